using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// Anthropic's API on loopback, written from its reference: <c>POST /v1/messages</c> answers a <c>message</c> object
/// (content blocks, stop_reason, usage.input_tokens/output_tokens) and <c>GET /v1/models</c> a page of models. Both want
/// <c>x-api-key</c> and <c>anthropic-version</c>, answering Anthropic's error shape (401, 400) without them.
/// </summary>
public sealed class FakeAnthropicServer : IAsyncDisposable
{
    public const string ApiKey = "sk-ant-test-77e2";

    private readonly ConcurrentQueue<string> _answers = new();
    private LoopbackServer _server = null!;

    public ConcurrentQueue<(JsonObject Body, IHeaderDictionary Headers)> Requests { get; } = new();

    public string BaseUrl => _server.Url("/v1");

    public static async Task<FakeAnthropicServer> StartAsync()
    {
        var fake = new FakeAnthropicServer();
        fake._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/v1/models", (HttpContext http) => Refusal(http) ?? Results.Json(new JsonObject
            {
                ["data"] = new JsonArray(
                    new JsonObject { ["type"] = "model", ["id"] = "claude-sonnet-4-5", ["display_name"] = "Claude Sonnet 4.5", ["created_at"] = "2025-09-29T00:00:00Z" },
                    new JsonObject { ["type"] = "model", ["id"] = "claude-haiku-4-5", ["display_name"] = "Claude Haiku 4.5", ["created_at"] = "2025-10-01T00:00:00Z" }),
                ["has_more"] = false,
                ["first_id"] = "claude-sonnet-4-5",
                ["last_id"] = "claude-haiku-4-5",
            }));
            app.MapPost("/v1/messages", async (HttpContext http) =>
            {
                var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
                fake.Requests.Enqueue((body, new HeaderDictionary(http.Request.Headers.ToDictionary())));
                return Refusal(http) ?? Results.Json(new JsonObject
                {
                    ["id"] = "msg_01",
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["model"] = (string)body["model"]!,
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = fake._answers.TryDequeue(out var text) ? text : "Hello from Claude." }),
                    ["stop_reason"] = "end_turn",
                    ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = 21, ["output_tokens"] = 8 },
                });
            });
        });
        return fake;
    }

    public void Reply(string text) => _answers.Enqueue(text);

    private static IResult? Refusal(HttpContext http)
    {
        if (http.Request.Headers["x-api-key"] != ApiKey)
        {
            return Results.Json(Error("authentication_error", "invalid x-api-key"), statusCode: 401);
        }
        return http.Request.Headers["anthropic-version"] != "2023-06-01"
            ? Results.Json(Error("invalid_request_error", "anthropic-version: header is required"), statusCode: 400)
            : null;
    }

    private static JsonObject Error(string type, string message) =>
        new() { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } };

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
