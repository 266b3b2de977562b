using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// A loopback server standing in for Slack, Teams, Discord and generic webhook receivers: every POST to
/// <c>/hooks/{name}</c> is kept with its headers and JSON body, and answered with the next status the test queued for
/// that name (200 once the queue is empty), with a Retry-After when the test gave one.
/// </summary>
public sealed class ChannelReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string? RetryAfter)>> _answers = new();
    private LoopbackServer _server = null!;

    public sealed record Received(string Name, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public static async Task<ChannelReceiver> StartAsync()
    {
        var receiver = new ChannelReceiver();
        receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/{name}", async (string name, HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(name, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            var (status, retryAfter) = receiver._answers.TryGetValue(name, out var queue) && queue.TryDequeue(out var next) ? next : (200, null);
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 200 ? "ok" : $"receiver says {status}");
        }));
        return receiver;
    }

    /// <summary>A hook URL with a secret-looking path, as Slack's and Discord's are.</summary>
    public string Url(string name) => _server.Url($"/hooks/{name}");

    /// <summary>The next answers to POSTs to <paramref name="name"/>, in order.</summary>
    public void Answer(string name, int status, string? retryAfter = null) =>
        _answers.GetOrAdd(name, _ => new()).Enqueue((status, retryAfter));

    public IReadOnlyList<Received> To(string name) => Requests.Where(r => r.Name == name).ToList();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
