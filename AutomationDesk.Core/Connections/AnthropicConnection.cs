namespace AutomationDesk.Core.Connections;

/// <summary>Anthropic's Messages API (Claude): an API key in <c>x-api-key</c> and the API version in <c>anthropic-version</c>.</summary>
public sealed class AnthropicConnection(ConnectionHttp http) : ConnectionType, IHttpConnectionType
{
    public const string TypeName = "anthropic";

    /// <summary>The API version the desk's requests are written for.</summary>
    public const string ApiVersion = "2023-06-01";

    public const string DefaultBaseUrl = "https://api.anthropic.com/v1";

    public override string Name => TypeName;

    public override string Label => "Anthropic (Claude)";

    public override string Description => "Claude models through Anthropic's Messages API. The ai.prompt step asks it.";

    public override string DocsUrl => "https://docs.anthropic.com/en/api/messages";

    public override string TestDescription => "Lists the models (GET {baseUrl}/models) and checks that the chosen model is among them.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        new("baseUrl", "Base URL", ConnectionFieldKind.Url) { Default = DefaultBaseUrl, Placeholder = DefaultBaseUrl, Help = "Up to, not including, /messages." },
        new("model", "Model") { Required = true, Placeholder = "claude-sonnet-4-5", Help = "The model a step uses unless it names another." },
        new("apiKey", "API key", ConnectionFieldKind.Secret) { Required = true },
    ];

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{BaseUrlOf(settings)}/models");
        Authorize(request, settings.Secret("apiKey"));
        return await ModelList.TestAsync(http, request, settings, settings.Text("model"), ct);
    }

    public static string BaseUrlOf(ConnectionSettings settings) => settings.BaseUrl() ?? DefaultBaseUrl;

    /// <summary>The headers every Anthropic request carries.</summary>
    public static void Authorize(HttpRequestMessage request, string? apiKey)
    {
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }
        request.Headers.Add("anthropic-version", ApiVersion);
    }

    /// <summary>For <c>http.request</c> with this connection: the rest of Anthropic's API (batches, token counting).</summary>
    public HttpAccess AccessOf(ConnectionSettings settings) =>
        new(BaseUrlOf(settings), settings.Secret("apiKey") is { } key ? new HttpAuth.Header("x-api-key", key) : HttpAuth.None)
        {
            Headers = [new("anthropic-version", ApiVersion)],
        };
}
