using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// An OpenAI-compatible server on loopback, written from OpenAI's API reference: <c>POST /v1/chat/completions</c>
/// answers a <c>chat.completion</c> object (choices[0].message.content, finish_reason, usage) and <c>GET /v1/models</c>
/// a list of <c>model</c> objects; both want <c>Authorization: Bearer {key}</c> and answer 401 with OpenAI's error shape
/// otherwise. A test queues what the next completions say (text, a status, a Retry-After); with nothing queued it answers
/// <see cref="DefaultAnswer"/>. Every completion request is kept, headers and body, for the test to read.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeAiReply> _replies = new();
    private LoopbackServer _server = null!;

    private FakeOpenAiServer(string? apiKey) => ApiKey = apiKey;

    public const string DefaultAnswer = "All quiet.";

    /// <summary>The key the server wants; null accepts any request (a local server such as Ollama).</summary>
    public string? ApiKey { get; }

    public IReadOnlyList<string> Models { get; set; } = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"];

    /// <summary>Every chat completion request, in order: its body and Authorization header.</summary>
    public ConcurrentQueue<(JsonObject Body, string? Authorization)> Requests { get; } = new();

    /// <summary>The base URL a connection names: <c>http://127.0.0.1:port/v1</c>.</summary>
    public string BaseUrl => _server.Url("/v1");

    public static async Task<FakeOpenAiServer> StartAsync(string? apiKey = "sk-test-4f1c9d")
    {
        var fake = new FakeOpenAiServer(apiKey);
        fake._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/v1/models", (HttpContext http) => fake.Authorized(http) ?? Results.Json(new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(fake.Models.Select(id => (JsonNode)new JsonObject
                {
                    ["id"] = id, ["object"] = "model", ["created"] = 1_700_000_000, ["owned_by"] = "system",
                }).ToArray()),
            }));
            app.MapPost("/v1/chat/completions", async (HttpContext http) =>
            {
                var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
                fake.Requests.Enqueue((body, http.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null));
                return fake.Authorized(http) ?? fake.Completion(http, body);
            });
        });
        return fake;
    }

    /// <summary>What the next completion answers; replies are used once each, in order.</summary>
    public void Reply(FakeAiReply reply) => _replies.Enqueue(reply);

    public void Reply(string text, string finishReason = "stop") => Reply(new FakeAiReply(text, FinishReason: finishReason));

    private IResult? Authorized(HttpContext http) =>
        ApiKey is null || http.Request.Headers.Authorization.ToString() == $"Bearer {ApiKey}"
            ? null
            : Results.Json(Error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"), statusCode: 401);

    private IResult Completion(HttpContext http, JsonObject request)
    {
        var reply = _replies.TryDequeue(out var next) ? next : new FakeAiReply(DefaultAnswer);
        if (reply.Status != 200)
        {
            if (reply.RetryAfterSeconds is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return reply.Status == 429
                ? Results.Json(Error("Rate limit reached for requests.", "requests", "rate_limit_exceeded"), statusCode: 429)
                : Results.Json(Error("The server had an error while processing your request.", "server_error", null), statusCode: reply.Status);
        }
        return Results.Json(new JsonObject
        {
            ["id"] = "chatcmpl-" + Requests.Count,
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = (string)request["model"]! + "-2024-07-18",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = reply.FinishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = reply.PromptTokens, ["completion_tokens"] = reply.CompletionTokens, ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens },
        });
    }

    private static JsonObject Error(string message, string type, string? code) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code } };

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>One scripted answer of a fake AI server: a text with its token counts, or an HTTP error status.</summary>
public sealed record FakeAiReply(string Text = "", int Status = 200, int? RetryAfterSeconds = null, string FinishReason = "stop", int PromptTokens = 12, int CompletionTokens = 34)
{
    public static FakeAiReply Failing(int status, int? retryAfterSeconds = null) => new(Status: status, RetryAfterSeconds: retryAfterSeconds);
}
