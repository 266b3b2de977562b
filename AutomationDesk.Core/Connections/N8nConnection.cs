using System.Net.Http.Headers;
using System.Text.Json;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// An n8n instance: the <c>n8n.workflow</c> step calls its webhooks (<c>{baseUrl}/webhook/{path}</c>), signed with the
/// signing secret that the n8n workflow checks. The API key is only for the test: with one, the test proves the key
/// against n8n's public API; without one, it proves that n8n answers at all.
/// </summary>
public sealed class N8nConnection(ConnectionHttp http) : ConnectionType, IHttpConnectionType
{
    /// <summary>The header of n8n's public API key (docs.n8n.io/api/authentication).</summary>
    public const string ApiKeyHeader = "X-N8N-API-KEY";

    public const string BaseUrlField = "baseUrl";
    public const string ApiKeyField = "apiKey";
    public const string SigningSecretField = "signingSecret";

    public override string Name => "n8n";

    public override string Label => "n8n";

    public override string Description => "A self-hosted or cloud n8n: the n8n.workflow step calls its webhooks, signed with the signing secret.";

    public override string DocsUrl => "https://docs.n8n.io/api/authentication/";

    public override string TestDescription =>
        $"With an API key: GET /api/v1/workflows?limit=1 with {ApiKeyHeader}. Without one: GET /healthz.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        new(BaseUrlField, "Base URL", ConnectionFieldKind.Url)
        {
            Required = true, Placeholder = "http://n8n.lan:5678", Help = "Where n8n answers; webhooks are called at {baseUrl}/webhook/{path}.",
        },
        new(ApiKeyField, "API key", ConnectionFieldKind.Secret)
        {
            Help = "Optional: from n8n's Settings > n8n API. Only the test uses it, to prove the key works.",
        },
        new(SigningSecretField, "Signing secret", ConnectionFieldKind.Secret)
        {
            Help = "Optional: calls carry X-Signature-256: sha256=<hex HMAC-SHA256 of the body> made with it; check it in the n8n workflow.",
        },
    ];

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        var baseUrl = settings.BaseUrl(BaseUrlField) ?? throw new InvalidOperationException("The connection has no base URL.");
        var apiKey = settings.Secret(ApiKeyField);
        var url = apiKey is null ? $"{baseUrl}/healthz" : $"{baseUrl}/api/v1/workflows?limit=1";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (apiKey is not null)
        {
            request.Headers.Add(ApiKeyHeader, apiKey);
        }
        using var response = await http.SendAsync(request, settings, ct);
        var status = (int)response.StatusCode;
        if (apiKey is null)
        {
            return response.IsSuccessStatusCode
                ? ConnectionTestResult.Passed($"n8n answers at {baseUrl} (GET /healthz: {status}). Add an API key to test it too.")
                : ConnectionTestResult.Failed($"GET {baseUrl}/healthz answered {status} {response.ReasonPhrase}: is this n8n's base URL?");
        }
        if (status is 401 or 403)
        {
            return ConnectionTestResult.Failed($"n8n refused the API key ({status}): create a new one under Settings > n8n API.");
        }
        if (!response.IsSuccessStatusCode)
        {
            return ConnectionTestResult.Failed(
                $"GET {baseUrl}/api/v1/workflows answered {status} {response.ReasonPhrase}: is this n8n's base URL, with the public API enabled?");
        }
        var body = await response.Content.ReadAsStringAsync(ct);
        using var document = JsonDocument.Parse(body);
        var listed = document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array;
        return listed
            ? ConnectionTestResult.Passed($"n8n accepted the API key at {baseUrl} (GET /api/v1/workflows: {status}).")
            : ConnectionTestResult.Failed($"GET {baseUrl}/api/v1/workflows answered {status} without a workflow list: is this n8n?");
    }

    /// <summary>For <c>http.request</c> with this connection: n8n's public API (<c>/api/v1/executions</c>) with its API key.</summary>
    public HttpAccess AccessOf(ConnectionSettings settings) =>
        new(settings.BaseUrl(BaseUrlField), settings.Secret(ApiKeyField) is { } key ? new HttpAuth.Header(ApiKeyHeader, key) : HttpAuth.None);
}
