using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// A ComfyUI server: the <c>comfyui.prompt</c> step queues graphs on it and downloads their images. ComfyUI itself has
/// no authentication; the optional token is sent as <c>Authorization: Bearer</c> for a ComfyUI behind a proxy that
/// asks for one. The test reads <c>GET /system_stats</c> and reports the version and devices it answers.
/// </summary>
public sealed class ComfyUiConnection(ConnectionHttp http) : ConnectionType, IHttpConnectionType
{
    public const string BaseUrlField = "baseUrl";
    public const string TokenField = "token";

    public override string Name => "comfyui";

    public override string Label => "ComfyUI";

    public override string Description => "A ComfyUI server: the comfyui.prompt step queues API-format graphs on it and keeps their images.";

    public override string DocsUrl => "https://docs.comfy.org/development/comfyui-server/comms_routes";

    public override string TestDescription => "GET /system_stats, and reports ComfyUI's version and devices.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        new(BaseUrlField, "Base URL", ConnectionFieldKind.Url)
        {
            Required = true, Placeholder = "http://comfy.lan:8188", Help = "Where ComfyUI answers (its port is 8188 by default).",
        },
        new(TokenField, "Bearer token", ConnectionFieldKind.Secret)
        {
            Help = "Optional: sent as Authorization: Bearer for a ComfyUI behind a proxy that asks for a token.",
        },
    ];

    /// <summary>A request to <c>{baseUrl}{pathAndQuery}</c> carrying the connection's token, if it has one.</summary>
    public static HttpRequestMessage Request(HttpMethod method, ConnectionSettings settings, string pathAndQuery)
    {
        var baseUrl = settings.BaseUrl(BaseUrlField) ?? throw new InvalidOperationException($"The connection '{settings.Name}' has no base URL.");
        var request = new HttpRequestMessage(method, baseUrl + pathAndQuery);
        if (settings.Secret(TokenField) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, settings, "/system_stats");
        using var response = await http.SendAsync(request, settings, ct);
        var status = (int)response.StatusCode;
        if (status is 401 or 403)
        {
            return ConnectionTestResult.Failed($"The server refused the request ({status}): check the bearer token of the proxy in front of ComfyUI.");
        }
        if (!response.IsSuccessStatusCode)
        {
            return ConnectionTestResult.Failed($"GET /system_stats answered {status} {response.ReasonPhrase}: is this ComfyUI's base URL?");
        }
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = document.RootElement;
        if (!root.TryGetProperty("system", out var system) || system.ValueKind != JsonValueKind.Object)
        {
            return ConnectionTestResult.Failed("GET /system_stats answered without a 'system' section: is this ComfyUI?");
        }
        var version = system.TryGetProperty("comfyui_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var devices = root.TryGetProperty("devices", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(Describe).ToList()
            : [];
        return ConnectionTestResult.Passed(
            $"ComfyUI {version ?? "(version not reported)"} answers; devices: {(devices.Count == 0 ? "none reported" : string.Join("; ", devices))}.");
    }

    /// <summary>"NVIDIA GeForce RTX 4090 (cuda, 22.1 of 24.0 GiB free)" from one entry of <c>devices</c>.</summary>
    private static string Describe(JsonElement device)
    {
        var name = device.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "device";
        var type = device.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var memory = device.TryGetProperty("vram_total", out var total) && total.TryGetInt64(out var totalBytes) && totalBytes > 0
            && device.TryGetProperty("vram_free", out var free) && free.TryGetInt64(out var freeBytes)
            ? string.Create(CultureInfo.InvariantCulture, $"{freeBytes / Gib:0.0} of {totalBytes / Gib:0.0} GiB free")
            : null;
        var details = string.Join(", ", new[] { type, memory }.Where(d => d is not null));
        return details.Length == 0 ? name! : $"{name} ({details})";
    }

    private const double Gib = 1024d * 1024 * 1024;

    /// <summary>For <c>http.request</c> with this connection: ComfyUI's other routes (<c>/queue</c>, <c>/object_info</c>).</summary>
    public HttpAccess AccessOf(ConnectionSettings settings) =>
        new(settings.BaseUrl(BaseUrlField), settings.Secret(TokenField) is { } token ? new HttpAuth.Bearer(token) : HttpAuth.None);
}
