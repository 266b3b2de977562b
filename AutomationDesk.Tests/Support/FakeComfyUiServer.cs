using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// A ComfyUI server on loopback, written from ComfyUI's <c>server.py</c>: <c>POST /prompt</c> (<c>{ prompt, client_id }</c> →
/// <c>{ prompt_id, number, node_errors }</c>, 400 <c>{ error, node_errors }</c> for a graph with an unknown node class),
/// <c>GET /history/{id}</c> (<c>{}</c> while the prompt is pending, then <c>{ id: { outputs, status } }</c>), <c>GET /view</c>
/// (a real PNG), <c>POST /interrupt</c>, <c>POST /queue</c> and <c>GET /system_stats</c>. Everything asked is recorded.
/// </summary>
public sealed class FakeComfyUiServer : IAsyncDisposable
{
    public const string Version = "0.3.43";
    public const string OutputFile = "desk_00001_.png";
    /// <summary>A class_type that this ComfyUI does not know: POST /prompt answers 400 naming the node.</summary>
    public const string UnknownClass = "NodeThatDoesNotExist";

    private readonly ConcurrentDictionary<string, int> _polls = new();
    private LoopbackServer _server = null!;

    private FakeComfyUiServer()
    {
    }

    /// <summary>A real 2×2 PNG (signature, IHDR, zlib IDAT, IEND, each chunk with its CRC), the image ComfyUI "renders".</summary>
    public static byte[] Png { get; } = MakePng();

    public Uri BaseAddress => _server.BaseAddress;
    public string BaseUrl => _server.BaseAddress.ToString().TrimEnd('/');

    /// <summary>How many history polls answer <c>{}</c> (pending) before the prompt is done.</summary>
    public int PendingPolls { get; set; } = 2;

    /// <summary>When set, the prompt ends with ComfyUI's execution_error carrying this exception message.</summary>
    public string? FailWith { get; set; }

    /// <summary>When set, every route answers 401 without <c>Authorization: Bearer {Token}</c> (a proxy in front of ComfyUI).</summary>
    public string? Token { get; set; }

    public ConcurrentQueue<JsonObject> Prompts { get; } = new();
    public ConcurrentQueue<JsonNode?> Interrupts { get; } = new();
    public ConcurrentQueue<JsonNode?> QueueChanges { get; } = new();
    public ConcurrentQueue<string> Views { get; } = new();
    public int HistoryPolls => _polls.Values.Sum();

    /// <summary>Completes when a prompt is queued, with its id.</summary>
    public TaskCompletionSource<string> Queued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeComfyUiServer> StartAsync()
    {
        var fake = new FakeComfyUiServer();
        fake._server = await LoopbackServer.StartAsync(fake.Map);
        return fake;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (Token is not null && http.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
            {
                http.Response.StatusCode = 401;
                return;
            }
            await next(http);
        });
        app.MapPost("/prompt", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            var prompt = body["prompt"]!.AsObject();
            if (prompt.FirstOrDefault(n => (string?)n.Value!["class_type"] == UnknownClass) is { Key: { } bad })
            {
                return Results.Json(new JsonObject
                {
                    ["error"] = new JsonObject { ["type"] = "invalid_prompt", ["message"] = $"Cannot execute because node {UnknownClass} does not exist.", ["details"] = $"Node ID '#{bad}'", ["extra_info"] = new JsonObject() },
                    ["node_errors"] = new JsonObject(),
                }, statusCode: 400);
            }
            var id = Guid.NewGuid().ToString();
            Prompts.Enqueue(body);
            Queued.TrySetResult(id);
            return Results.Json(new JsonObject { ["prompt_id"] = id, ["number"] = Prompts.Count, ["node_errors"] = new JsonObject() });
        });
        app.MapGet("/history/{id}", (string id) =>
        {
            var polls = _polls.AddOrUpdate(id, 1, (_, n) => n + 1);
            return polls <= PendingPolls ? Results.Json(new JsonObject()) : Results.Json(new JsonObject { [id] = Entry(id) });
        });
        app.MapGet("/view", (string filename, string? subfolder, string type) =>
        {
            Views.Enqueue($"{filename}|{subfolder}|{type}");
            return filename == OutputFile && type == "output" ? Results.Bytes(Png, "image/png") : Results.NotFound();
        });
        app.MapPost("/interrupt", async (HttpContext http) =>
        {
            Interrupts.Enqueue(await JsonNode.ParseAsync(http.Request.Body));
            return Results.Ok();
        });
        app.MapPost("/queue", async (HttpContext http) =>
        {
            QueueChanges.Enqueue(await JsonNode.ParseAsync(http.Request.Body));
            return Results.Ok();
        });
        app.MapGet("/system_stats", () => Results.Json(new JsonObject
        {
            ["system"] = new JsonObject
            {
                ["os"] = "posix", ["ram_total"] = 68719476736L, ["ram_free"] = 34359738368L, ["comfyui_version"] = Version,
                ["python_version"] = "3.12.3", ["pytorch_version"] = "2.7.1+cu128", ["embedded_python"] = false, ["argv"] = new JsonArray("main.py"),
            },
            ["devices"] = new JsonArray(new JsonObject
            {
                ["name"] = "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync", ["type"] = "cuda", ["index"] = 0,
                ["vram_total"] = 25757220864L, ["vram_free"] = 23622320128L, ["torch_vram_total"] = 0, ["torch_vram_free"] = 0,
            }),
        }));
    }

    /// <summary>A history entry as ComfyUI keeps it: the SaveImage node's image, or an execution_error in status.messages.</summary>
    private JsonObject Entry(string id)
    {
        var start = new JsonArray("execution_start", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 1700000000000L });
        if (FailWith is { } message)
        {
            return new JsonObject
            {
                ["outputs"] = new JsonObject(),
                ["status"] = new JsonObject
                {
                    ["status_str"] = "error", ["completed"] = false,
                    ["messages"] = new JsonArray(start, new JsonArray("execution_error", new JsonObject
                    {
                        ["prompt_id"] = id, ["node_id"] = "3", ["node_type"] = "KSampler", ["executed"] = new JsonArray(),
                        ["exception_message"] = message, ["exception_type"] = "torch.OutOfMemoryError", ["traceback"] = new JsonArray("..."),
                    })),
                },
            };
        }
        return new JsonObject
        {
            ["outputs"] = new JsonObject
            {
                ["9"] = new JsonObject { ["images"] = new JsonArray(new JsonObject { ["filename"] = OutputFile, ["subfolder"] = "", ["type"] = "output" }) },
            },
            ["status"] = new JsonObject
            {
                ["status_str"] = "success", ["completed"] = true,
                ["messages"] = new JsonArray(start, new JsonArray("execution_success", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 1700000004000L })),
            },
        };
    }

    /// <summary>An API-format text-to-image graph as ComfyUI's Export (API) writes it; node 6 is the positive prompt, 9 saves.</summary>
    public static JsonObject Graph() => new()
    {
        ["3"] = Node("KSampler", new JsonObject
        {
            ["seed"] = 1, ["steps"] = 20, ["cfg"] = 7, ["sampler_name"] = "euler", ["scheduler"] = "normal", ["denoise"] = 1,
            ["model"] = new JsonArray("4", 0), ["positive"] = new JsonArray("6", 0), ["negative"] = new JsonArray("7", 0), ["latent_image"] = new JsonArray("5", 0),
        }),
        ["4"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = "v1-5-pruned-emaonly.safetensors" }),
        ["5"] = Node("EmptyLatentImage", new JsonObject { ["width"] = 512, ["height"] = 512, ["batch_size"] = 1 }),
        ["6"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "placeholder", ["clip"] = new JsonArray("4", 1) }),
        ["7"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "blurry", ["clip"] = new JsonArray("4", 1) }),
        ["8"] = Node("VAEDecode", new JsonObject { ["samples"] = new JsonArray("3", 0), ["vae"] = new JsonArray("4", 2) }),
        ["9"] = Node("SaveImage", new JsonObject { ["filename_prefix"] = "desk", ["images"] = new JsonArray("8", 0) }),
    };

    private static JsonObject Node(string type, JsonObject inputs) => new() { ["class_type"] = type, ["inputs"] = inputs };

    private static byte[] MakePng()
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, 2); // width
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 2); // height
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour RGB
        Chunk(png, "IHDR", header);
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            // Each row: filter type 0, then RGB per pixel (red, green / blue, white).
            zlib.Write([0, 255, 0, 0, 0, 255, 0]);
            zlib.Write([0, 0, 0, 255, 255, 255, 255]);
        }
        Chunk(png, "IDAT", pixels.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return crc ^ 0xFFFFFFFFu;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
