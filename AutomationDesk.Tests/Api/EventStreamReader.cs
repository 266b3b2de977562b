using System.Net;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// A server-sent-events client over a real HTTP connection, read line by line as the text/event-stream format says:
/// fields up to a blank line make one event, a line starting with a colon is a comment (the heartbeat).
/// </summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    /// <summary>How long one read may wait before the test fails instead of hanging (a guard, not an assertion of speed).</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public sealed record Event(long Id, string Name, JsonObject Data);

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream; <paramref name="lastEventId"/> goes in the <c>Last-Event-ID</c> header.</summary>
    public static async Task<EventStreamReader> OpenAsync(HttpClient client, string path, long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }
        return new EventStreamReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Comments seen so far (<c>heartbeat</c>).</summary>
    public List<string> Comments { get; } = [];

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<Event?> NextAsync()
    {
        while (true)
        {
            var (next, comment) = await ReadAsync();
            if (comment is null)
            {
                return next;
            }
        }
    }

    /// <summary>An event, or a comment, or neither when the stream closed.</summary>
    private async Task<(Event? Event, string? Comment)> ReadAsync()
    {
        using var guard = new CancellationTokenSource(Guard);
        long? id = null;
        string? name = null;
        string? data = null;
        while (await _reader.ReadLineAsync(guard.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return (new Event(id ?? throw new InvalidOperationException("An event came without an id."), name ?? "message", JsonNode.Parse(data)!.AsObject()), null);
                }
                continue;
            }
            if (line[0] == ':')
            {
                Comments.Add(line[1..].Trim());
                return (null, line[1..].Trim());
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = line[..colon];
            var value = line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "event": name = value; break;
                case "data": data = data is null ? value : throw new InvalidOperationException("An event's data took more than one line."); break;
                default: throw new InvalidOperationException($"Unknown field '{field}' in the stream.");
            }
        }
        return (null, null);
    }

    /// <summary>Reads events until one matches (and returns it with everything before it).</summary>
    public async Task<List<Event>> UntilAsync(Func<Event, bool> stop)
    {
        var seen = new List<Event>();
        while (await NextAsync() is { } next)
        {
            seen.Add(next);
            if (stop(next))
            {
                return seen;
            }
        }
        throw new InvalidOperationException($"The stream closed before the awaited event; it sent {string.Join(", ", seen.Select(e => e.Data["eventType"]))}.");
    }

    /// <summary>Reads until a comment arrives (a heartbeat); events read meanwhile are returned.</summary>
    public async Task<List<Event>> UntilCommentAsync()
    {
        var seen = new List<Event>();
        while (true)
        {
            var (next, comment) = await ReadAsync();
            if (comment is not null)
            {
                return seen;
            }
            seen.Add(next ?? throw new InvalidOperationException("The stream closed before a heartbeat."));
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
