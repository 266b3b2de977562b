using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Asks a chat model and returns its answer, the tokens it cost and why it stopped; with <c>responseFormat: json</c>
/// the answer is parsed and, given a schema, checked (a bad answer is a retryable error: asking again often helps).
/// Plain HTTP through <see cref="ConnectionHttp"/>, not the OpenAI SDK: the SDK retries on its own (on top of the
/// step's policy, and hiding <c>Retry-After</c>), builds its requests where the network guard's per-connection
/// trust cannot be set, and Anthropic needs plain HTTP anyway.
/// No side effects: a call changes nothing in the world (it costs tokens), so a re-run is not a repeat of a send and
/// a dry run asks the model for real, which lets the steps after it see a real answer.
/// </summary>
[StepType(TypeName, Label = "Ask AI", Category = StepCategory.Integrations, Summary = "Asks an AI model a question and returns its answer.", HasSideEffects = false, DefaultConnectionSetting = DeskSettings.AiDefaultConnection)]
public sealed class AiPromptStep(
    ConnectionStore connections, DeskSettings settings, ConnectionHttp http, IConfiguration configuration, IOptions<HttpStepOptions> options, TimeProvider time)
    : IStep<AiPromptConfig>
{
    public const string TypeName = "ai.prompt";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public async Task<StepResult> ExecuteAsync(AiPromptConfig config, StepContext context, CancellationToken ct)
    {
        var connection = await ConnectionAsync(config, ct);
        var model = config.Model ?? connection.Text("model")
            ?? throw new StepFailedException($"No model: name one on the step or on the connection '{connection.Name}'.");
        // A key from configuration is not a connection the run knows to mask: mask it here in whatever the service echoes.
        var masker = new SecretMasker(connection.Secrets.Values);
        var protocol = AiChatProtocol.For(connection.Type);
        using var request = protocol.Request(connection, model, config.AllMessages(), config);
        var target = $"{model} at {request.RequestUri!.GetLeftPart(UriPartial.Path)}";
        context.Log(LogLevelName.Information, $"Asking {target}");
        var timeout = config.Timeout ?? DefaultTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        string body;
        try
        {
            using var response = await http.SendAsync(request, connection, limit.Token);
            body = await ResponseBody.ReadTextAsync(response, options.Value.MaxResponseBytes, "The AI service's answer", limit.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw Refused(response, masker.Apply(AiChatProtocol.ErrorMessage(body))!, target, connection.Name);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new StepFailedException($"{target} did not answer within {timeout:c}.", null, e) { Transient = true };
        }
        catch (HttpRequestException e)
        {
            throw new StepFailedException($"Could not reach {target}: {masker.Apply(e.Message)}", null, e) { Transient = !NetworkGuard.IsRefusal(e) };
        }
        AiAnswer answer;
        try
        {
            answer = protocol.Read(JsonNode.Parse(body) ?? throw new FormatException("The answer is empty."), model);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new StepFailedException($"{target} answered with something that is not a chat answer: {e.Message}", masker.Apply(Snippet(body)), e) { Transient = true };
        }
        if (answer.Refusal is { } refusal)
        {
            throw new StepFailedException($"The model declined to answer: {refusal}");
        }
        context.Log(LogLevelName.Information, answer.Usage is { } used
            ? $"{answer.Model} answered ({answer.FinishReason ?? "done"}); {used.PromptTokens} prompt + {used.CompletionTokens} completion tokens"
            : $"{answer.Model} answered ({answer.FinishReason ?? "done"}); the service reported no token usage");
        var output = new JsonObject { ["text"] = answer.Text };
        if (config.WantsJson)
        {
            output["json"] = CheckedJson(answer, config.Schema);
        }
        output["model"] = answer.Model;
        output["usage"] = answer.Usage?.ToJson();
        output["finishReason"] = answer.FinishReason;
        return StepResult.Done(output);
    }

    /// <summary>The connection the step uses: its own, else the desk's default, else one made of <c>Ai:*</c> configuration.</summary>
    private async Task<ConnectionSettings> ConnectionAsync(AiPromptConfig config, CancellationToken ct)
    {
        var name = config.Connection ?? await settings.TextAsync(DeskSettings.AiDefaultConnection, ct);
        if (name is not null)
        {
            var connection = await connections.ResolveAsync(name, ct) ?? throw new StepFailedException(config.Connection is null
                ? $"The setting {DeskSettings.AiDefaultConnection} names the connection '{name}', which does not exist."
                : $"There is no connection named '{name}'.");
            return connection.Type is OpenAiConnection.TypeName or AnthropicConnection.TypeName
                ? connection
                : throw new StepFailedException($"The connection '{name}' is a {connection.Type} connection; ai.prompt needs an openai or anthropic one.");
        }
        var baseUrl = configuration["Ai:BaseUrl"];
        var apiKey = configuration["Ai:ApiKey"];
        if (string.IsNullOrEmpty(baseUrl) && string.IsNullOrEmpty(apiKey))
        {
            throw new StepFailedException(
                "No AI connection: choose one on the step, set the setting ai.defaultConnection (PUT /api/v1/settings/ai.defaultConnection), or configure Ai:BaseUrl, Ai:ApiKey and Ai:Model.");
        }
        var secrets = string.IsNullOrEmpty(apiKey) ? new Dictionary<string, string>() : new Dictionary<string, string> { ["apiKey"] = apiKey };
        return new ConnectionSettings("Ai configuration", OpenAiConnection.TypeName,
            new JsonObject { ["baseUrl"] = baseUrl, ["model"] = configuration["Ai:Model"] }, secrets);
    }

    private StepFailedException Refused(HttpResponseMessage response, string message, string target, string connection)
    {
        var status = (int)response.StatusCode;
        if (status is 401 or 403)
        {
            return new StepFailedException($"{target} refused the API key ({status}): check the connection's API key ('{connection}').", $"HTTP {status}: {message}");
        }
        return new StepFailedException($"{target} answered {status} {response.ReasonPhrase}: {message}", $"HTTP {status}: {message}")
        {
            Transient = status is 408 or 429 or >= 500,
            RetryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
                _ => null,
            },
        };
    }

    /// <summary>The answer as JSON, checked against the schema; a non-JSON or mismatching answer is worth asking again.</summary>
    private static JsonNode? CheckedJson(AiAnswer answer, JsonNode? schema)
    {
        var cutOff = answer.FinishReason is "length" or "max_tokens" ? " The answer was cut off at the token limit: raise maxTokens." : "";
        JsonNode? json;
        try
        {
            json = AiAnswerJson.Parse(answer.Text);
        }
        catch (JsonException e)
        {
            throw new StepFailedException($"The AI's answer is not JSON ({e.Message}).{cutOff}", Snippet(answer.Text), e) { Transient = true };
        }
        if (schema is not null && AiAnswerJson.Problems(schema, json) is { Count: > 0 } problems)
        {
            throw new StepFailedException($"The AI's answer does not match the schema: {AiAnswerJson.Describe(problems)}.{cutOff}", Snippet(answer.Text))
            {
                Transient = true,
            };
        }
        return json;
    }

    private static string Snippet(string text) => text.Length > 1000 ? text[..1000] + "…" : text;
}

/// <summary>One message of a conversation given to the model.</summary>
public sealed record AiMessage(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";

    public static readonly IReadOnlyList<string> Roles = [System, User, Assistant];
}

public sealed record AiPromptConfig : IValidatableConfig
{
    public const string Text = "text";
    public const string JsonFormat = "json";

    public static readonly IReadOnlyList<string> ResponseFormats = [Text, JsonFormat];

    /// <summary>An <c>openai</c> or <c>anthropic</c> connection; left out, the <c>ai.defaultConnection</c> setting, then <c>Ai:*</c> configuration.</summary>
    public string? Connection { get; init; }

    /// <summary>Overrides the connection's model.</summary>
    public string? Model { get; init; }

    [JsonPropertyName("system")]
    public string? SystemPrompt { get; init; }

    public string? Prompt { get; init; }

    /// <summary>A whole conversation instead of <see cref="Prompt"/>; <see cref="SystemPrompt"/> still goes first.</summary>
    public IReadOnlyList<AiMessage>? Messages { get; init; }

    [NumberRange(0, 2)]
    public double? Temperature { get; init; }

    [NumberRange(1, 1_000_000)]
    public int? MaxTokens { get; init; }

    [OneOf(Text, JsonFormat)]
    public string ResponseFormat { get; init; } = Text;

    /// <summary>A JSON Schema the JSON answer must satisfy.</summary>
    [JsonSchemaRule]
    public JsonNode? Schema { get; init; }

    [DurationRange(10 * 60)]
    public TimeSpan? Timeout { get; init; }

    [JsonIgnore]
    public bool WantsJson => ResponseFormat == JsonFormat;

    /// <summary>The conversation sent: the system prompt, then the messages or the prompt.</summary>
    public IReadOnlyList<AiMessage> AllMessages()
    {
        var all = new List<AiMessage>();
        if (SystemPrompt is { Length: > 0 } system)
        {
            all.Add(new AiMessage(AiMessage.System, system));
        }
        all.AddRange(Messages ?? [new AiMessage(AiMessage.User, Prompt ?? "")]);
        return all;
    }

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (Prompt is not null && Messages is not null)
        {
            yield return ("messages", "Give a prompt or a list of messages, not both.");
        }
        else if (Messages is null && string.IsNullOrWhiteSpace(Prompt))
        {
            yield return ("prompt", "Required: what to ask the model (or give messages instead).");
        }
        for (var i = 0; i < (Messages?.Count ?? 0); i++)
        {
            var message = Messages![i];
            if (message is null || !AiMessage.Roles.Contains(message.Role))
            {
                yield return ($"messages[{i}].role", $"Must be one of {string.Join(", ", AiMessage.Roles)}.");
            }
            else if (string.IsNullOrEmpty(message.Content))
            {
                yield return ($"messages[{i}].content", "Required.");
            }
        }
        if (Messages is { Count: 0 } || (Messages is not null && Messages.All(m => m?.Role == AiMessage.System)))
        {
            yield return ("messages", "At least one user message.");
        }
        if (Temperature is < 0 or > 2)
        {
            yield return ("temperature", "Between 0 and 2.");
        }
        if (MaxTokens is < 1 or > 1_000_000)
        {
            yield return ("maxTokens", "Between 1 and 1000000.");
        }
        if (!ResponseFormats.Contains(ResponseFormat))
        {
            yield return ("responseFormat", "Must be text or json.");
        }
        if (Schema is not null)
        {
            if (!WantsJson)
            {
                yield return ("schema", "A schema checks a JSON answer: set responseFormat to json.");
            }
            else if (AiAnswerJson.SchemaProblem(Schema) is { } problem)
            {
                yield return ("schema", problem);
            }
        }
        if (Timeout is { } t && (t <= TimeSpan.Zero || t > TimeSpan.FromMinutes(10)))
        {
            yield return ("timeout", "Between zero and ten minutes.");
        }
    }
}
