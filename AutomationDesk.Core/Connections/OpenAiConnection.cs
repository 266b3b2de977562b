using System.Net.Http.Headers;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// Any service that speaks OpenAI's chat completions: OpenAI itself, Azure OpenAI's v1 endpoint, Ollama, LM Studio,
/// vLLM. The base URL ends before <c>/chat/completions</c>; the API key is optional because local servers need none.
/// </summary>
public sealed class OpenAiConnection(ConnectionHttp http) : ConnectionType, IHttpConnectionType
{
    public const string TypeName = "openai";

    public override string Name => TypeName;

    public override string Label => "OpenAI-compatible AI";

    public override string Description =>
        "A chat model behind OpenAI's API: OpenAI, Azure OpenAI (v1), Ollama, LM Studio or vLLM. The ai.prompt step asks it.";

    public override string DocsUrl => "https://platform.openai.com/docs/api-reference/chat";

    public override string TestDescription => "Lists the models (GET {baseUrl}/models) and checks that the chosen model is among them.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        new("baseUrl", "Base URL", ConnectionFieldKind.Url)
        {
            Required = true,
            Default = "https://api.openai.com/v1",
            Placeholder = "https://api.openai.com/v1",
            Help = "Up to, not including, /chat/completions. Azure: https://<resource>.openai.azure.com/openai/v1; Ollama: http://<host>:11434/v1; LM Studio: http://<host>:1234/v1; vLLM: http://<host>:8000/v1.",
        },
        new("model", "Model") { Required = true, Placeholder = "gpt-4o-mini", Help = "The model a step uses unless it names another (on Azure, the deployment name)." },
        new("apiKey", "API key", ConnectionFieldKind.Secret) { Help = "Sent as Authorization: Bearer. Leave empty for a local server that needs none." },
    ];

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{BaseUrlOf(settings)}/models");
        if (settings.Secret("apiKey") is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return await ModelList.TestAsync(http, request, settings, settings.Text("model"), ct);
    }

    public static string BaseUrlOf(ConnectionSettings settings) => settings.BaseUrl() ?? "https://api.openai.com/v1";

    /// <summary>For <c>http.request</c> with this connection: the other endpoints of the same API (embeddings, files).</summary>
    public HttpAccess AccessOf(ConnectionSettings settings) =>
        new(BaseUrlOf(settings), settings.Secret("apiKey") is { } key ? new HttpAuth.Bearer(key) : HttpAuth.None);
}
