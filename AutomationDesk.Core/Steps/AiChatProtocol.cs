using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;

namespace AutomationDesk.Core.Steps;

/// <summary>What an AI service answered, in the desk's words: the text, the model that wrote it, the tokens it cost, why it stopped.</summary>
public sealed record AiAnswer(string Text, string Model, AiTokenUsage? Usage, string? FinishReason, string? Refusal);

/// <summary>
/// The two wire protocols <c>ai.prompt</c> speaks: OpenAI's chat completions (OpenAI, Azure's v1 endpoint, Ollama,
/// LM Studio, vLLM) and Anthropic's Messages API. Each builds its request from the step's messages and reads the answer
/// into an <see cref="AiAnswer"/>; nothing else of the services' shapes leaks into the step.
/// </summary>
public abstract class AiChatProtocol
{
    /// <summary>Said to the model when the step wants JSON: JSON mode alone does not stop every model from adding prose.</summary>
    public const string JsonInstruction = "Answer with one JSON value only: no prose, no Markdown.";

    public static AiChatProtocol For(string connectionType) =>
        connectionType == AnthropicConnection.TypeName ? new AnthropicMessages() : new OpenAiChatCompletions();

    public abstract HttpRequestMessage Request(ConnectionSettings connection, string model, IReadOnlyList<AiMessage> messages, AiPromptConfig config);

    public abstract AiAnswer Read(JsonNode answer, string model);

    /// <summary>The error message a service put in its error body (<c>{ "error": { "message" } }</c> for both), else the body.</summary>
    public static string ErrorMessage(string body)
    {
        try
        {
            if (JsonNode.Parse(body)?["error"]?["message"] is JsonValue message && message.TryGetValue<string>(out var text))
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body itself says what went wrong.
        }
        return body.Length > 500 ? body[..500] + "…" : body;
    }

    protected static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    protected static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    protected static long? Count(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var n) ? n : null;

    /// <summary>The system text with the JSON instruction (and the schema, for a service that cannot be given one) when JSON is asked for.</summary>
    protected static string? SystemText(string? system, AiPromptConfig config, bool withSchema)
    {
        if (!config.WantsJson)
        {
            return system;
        }
        var instruction = withSchema && config.Schema is { } schema
            ? $"{JsonInstruction} It must satisfy this JSON Schema: {schema.ToJsonString()}"
            : JsonInstruction;
        return system is null ? instruction : $"{system}\n\n{instruction}";
    }

    private sealed class OpenAiChatCompletions : AiChatProtocol
    {
        public override HttpRequestMessage Request(ConnectionSettings connection, string model, IReadOnlyList<AiMessage> messages, AiPromptConfig config)
        {
            var baseUrl = OpenAiConnection.BaseUrlOf(connection);
            var list = new JsonArray();
            var system = SystemText(string.Join("\n\n", messages.Where(m => m.Role == AiMessage.System).Select(m => m.Content)) is { Length: > 0 } s ? s : null, config, withSchema: false);
            if (system is not null)
            {
                list.Add(new JsonObject { ["role"] = AiMessage.System, ["content"] = system });
            }
            foreach (var message in messages.Where(m => m.Role != AiMessage.System))
            {
                list.Add(new JsonObject { ["role"] = message.Role, ["content"] = message.Content });
            }
            var body = new JsonObject { ["model"] = model, ["messages"] = list };
            if (config.Temperature is { } temperature)
            {
                body["temperature"] = temperature;
            }
            if (config.MaxTokens is { } maxTokens)
            {
                // OpenAI's own API refuses max_tokens for its newer models; most compatible servers know only max_tokens.
                body[IsOpenAiItself(baseUrl) ? "max_completion_tokens" : "max_tokens"] = maxTokens;
            }
            if (config.WantsJson)
            {
                body["response_format"] = config.Schema is { } schema
                    ? new JsonObject { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = "answer", ["schema"] = schema.DeepClone() } }
                    : new JsonObject { ["type"] = "json_object" };
            }
            var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/chat/completions") { Content = Json(body) };
            if (connection.Secret("apiKey") is { } key)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            return request;
        }

        public override AiAnswer Read(JsonNode answer, string model)
        {
            var choice = (answer["choices"] as JsonArray)?.FirstOrDefault() ?? throw new FormatException("The answer has no choices.");
            var usage = answer["usage"] is JsonObject u && Count(u["prompt_tokens"]) is { } prompt && Count(u["completion_tokens"]) is { } completion
                ? new AiTokenUsage(prompt, completion, Count(u["total_tokens"]) ?? prompt + completion)
                : null;
            return new AiAnswer(Text(choice["message"]?["content"]) ?? "", Text(answer["model"]) ?? model, usage,
                Text(choice["finish_reason"]), Text(choice["message"]?["refusal"]));
        }

        private static bool IsOpenAiItself(string baseUrl) =>
            Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri)
            && (uri.Host == "api.openai.com" || uri.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class AnthropicMessages : AiChatProtocol
    {
        /// <summary>The Messages API requires max_tokens; this is what a step that names none gets.</summary>
        public const int DefaultMaxTokens = 4096;

        public override HttpRequestMessage Request(ConnectionSettings connection, string model, IReadOnlyList<AiMessage> messages, AiPromptConfig config)
        {
            var body = new JsonObject
            {
                ["model"] = model,
                ["max_tokens"] = config.MaxTokens ?? DefaultMaxTokens,
                ["messages"] = new JsonArray(messages.Where(m => m.Role != AiMessage.System)
                    .Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            };
            var given = string.Join("\n\n", messages.Where(m => m.Role == AiMessage.System).Select(m => m.Content));
            if (SystemText(given.Length > 0 ? given : null, config, withSchema: true) is { } system)
            {
                body["system"] = system;
            }
            if (config.Temperature is { } temperature)
            {
                body["temperature"] = temperature;
            }
            var request = new HttpRequestMessage(HttpMethod.Post, $"{AnthropicConnection.BaseUrlOf(connection)}/messages") { Content = Json(body) };
            AnthropicConnection.Authorize(request, connection.Secret("apiKey"));
            return request;
        }

        public override AiAnswer Read(JsonNode answer, string model)
        {
            var blocks = answer["content"] as JsonArray ?? throw new FormatException("The answer has no content.");
            var text = string.Concat(blocks.Where(b => Text(b?["type"]) == "text").Select(b => Text(b!["text"])));
            var usage = answer["usage"] is JsonObject u && Count(u["input_tokens"]) is { } input && Count(u["output_tokens"]) is { } output
                ? new AiTokenUsage(input, output, input + output)
                : null;
            var stop = Text(answer["stop_reason"]);
            return new AiAnswer(text, Text(answer["model"]) ?? model, usage, stop, stop == "refusal" ? "The model declined to answer." : null);
        }
    }
}
