using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>
/// The replayable event streams (server-sent events, schema v1): one run's (<c>/executions/{id}/events</c>, ids are the
/// run's sequence numbers) and every run's (<c>/events?topic=executions</c>, ids are the global event ids). Both read
/// the stored <see cref="ExecutionEvent"/>s, never an in-memory copy, so a reconnect with <c>Last-Event-ID</c> replays
/// exactly what was missed and then goes on live, and another desk process's writes are seen too.
/// </summary>
public static class ExecutionEventsApi
{
    public const string Topic = "executions";

    /// <summary>Read at most this many stored events per query, so a long replay never sits in memory at once.</summary>
    private const int Page = 200;

    public static IEndpointRouteBuilder MapExecutionEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/executions/{id:guid}/events", RunStream).WithTags("Executions").RequireAuthorization(DeskPolicies.Read).WithSummary("Streams one run's events (server-sent events)");
        app.MapGet("/api/v1/events", AllStream).WithTags("Events").RequireAuthorization(DeskPolicies.Read).WithSummary("Streams the events of all runs (server-sent events)");
        return app;
    }

    /// <summary>One run's events from 1 (or after <c>Last-Event-ID</c>), then live ones; it ends after the run's final event.</summary>
    static async Task<IResult> RunStream(
        Guid id, string? lastEventId, HttpContext http, IDbContextFactory<DeskDbContext> dbFactory, LiveDeskEvents live, IConfiguration configuration)
    {
        var after = LastEventId(http, lastEventId);
        var ct = http.RequestAborted;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Executions.AnyAsync(e => e.Id == id, ct))
            {
                return Problems.NotFound("execution", id);
            }
        }
        await using var stream = new EventStream(http, live, configuration, execution => execution == id);
        await stream.RunAsync(async (db, token) =>
        {
            // The status first, then the events: a run's final status is committed with its final event, so once the
            // status says final, the events read after it include everything the run will write.
            var final = (await db.Executions.AsNoTracking().Where(e => e.Id == id).Select(e => (ExecutionStatus?)e.Status).SingleOrDefaultAsync(token))
                is not { } status || status.IsFinal();
            while (true)
            {
                var page = await db.ExecutionEvents.AsNoTracking().Where(e => e.ExecutionId == id && e.Sequence > after)
                    .OrderBy(e => e.Sequence).Take(Page).ToListAsync(token);
                foreach (var row in page)
                {
                    await stream.WriteAsync(row.Sequence, row, token);
                    after = row.Sequence;
                }
                if (page.Count < Page)
                {
                    return final;
                }
            }
        }, dbFactory);
        return Results.Empty;
    }

    /// <summary>Every run's events after <c>Last-Event-ID</c> (without one: from now on), until the client goes.</summary>
    static async Task<IResult> AllStream(
        string? topic, string? lastEventId, HttpContext http, IDbContextFactory<DeskDbContext> dbFactory, LiveDeskEvents live, IConfiguration configuration)
    {
        if (topic != Topic)
        {
            throw DeskProblemException.InvalidField("topic", $"'{topic}' is not a topic of the event stream: use topic={Topic}.");
        }
        var given = LastEventId(http, lastEventId);
        var ct = http.RequestAborted;
        long after;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            after = given >= 0 ? given : await db.ExecutionEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        }
        await using var stream = new EventStream(http, live, configuration, _ => true);
        await stream.RunAsync(async (db, token) =>
        {
            while (true)
            {
                var page = await db.ExecutionEvents.AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(Page).ToListAsync(token);
                foreach (var row in page)
                {
                    await stream.WriteAsync(row.Id, row, token);
                    after = row.Id;
                }
                if (page.Count < Page)
                {
                    return false;
                }
            }
        }, dbFactory);
        return Results.Empty;
    }

    /// <summary>The <c>Last-Event-ID</c> header, or <c>?lastEventId=</c> for clients that cannot set headers; -1 when neither is given.</summary>
    private static long LastEventId(HttpContext http, string? query)
    {
        var text = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : query;
        if (string.IsNullOrWhiteSpace(text))
        {
            return -1;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw DeskProblemException.InvalidField("Last-Event-ID", $"'{text}' is not an event id: give the number of the last event you received.");
    }

    /// <summary>
    /// The open response: headers, heartbeats, and the wait between reads. It wakes when this process announces a change
    /// of a run it follows, and reads again every poll interval anyway, for writes of other processes sharing the database.
    /// </summary>
    private sealed class EventStream : IAsyncDisposable
    {
        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly HttpContext _http;
        private readonly LiveDeskEvents _live;
        private readonly Func<Guid, bool> _follows;
        private readonly TimeSpan _heartbeat;
        private readonly TimeSpan _poll;
        // One pending wake-up is enough: a read after it sees everything written before it.
        private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        // One event's bytes, reused (stored JSON is one line: it is written without indentation).
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);

        public EventStream(HttpContext http, LiveDeskEvents live, IConfiguration configuration, Func<Guid, bool> follows)
        {
            _http = http;
            _live = live;
            _follows = follows;
            _heartbeat = TimeSpan.FromSeconds(configuration.GetValue("Events:HeartbeatSeconds", 15.0));
            _poll = TimeSpan.FromSeconds(configuration.GetValue("Events:PollSeconds", 1.0));
            live.ExecutionChanged += OnExecution;
            live.StepChanged += OnStep;
        }

        private void OnExecution(ExecutionSummary execution) => Wake(execution.Id);

        private void OnStep(StepRunView step) => Wake(step.ExecutionId);

        private void Wake(Guid execution)
        {
            if (_follows(execution))
            {
                _wake.Writer.TryWrite(true);
            }
        }

        /// <summary>Reads with <paramref name="drain"/> (true: the stream is complete) until then or until the client goes.</summary>
        public async Task RunAsync(Func<DeskDbContext, CancellationToken, Task<bool>> drain, IDbContextFactory<DeskDbContext> dbFactory)
        {
            // Ends when the client goes, and when the desk stops: an open stream must not hold a shutdown up.
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(
                _http.RequestAborted, _http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            var ct = ending.Token;
            var response = _http.Response;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache, no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            _http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                await response.StartAsync(ct);
                // The real clock: a heartbeat keeps real connections (proxies, load balancers) from timing out.
                var heartbeatAt = DateTimeOffset.UtcNow + _heartbeat;
                while (true)
                {
                    await using (var db = await dbFactory.CreateDbContextAsync(ct))
                    {
                        if (await drain(db, ct))
                        {
                            return;
                        }
                    }
                    await response.Body.FlushAsync(ct);
                    var now = DateTimeOffset.UtcNow;
                    if (now >= heartbeatAt)
                    {
                        await response.Body.WriteAsync(": heartbeat\n\n"u8.ToArray(), ct);
                        await response.Body.FlushAsync(ct);
                        heartbeatAt = now + _heartbeat;
                    }
                    var wait = heartbeatAt - now < _poll ? heartbeatAt - now : _poll;
                    using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timer.CancelAfter(wait);
                    try
                    {
                        await _wake.Reader.WaitToReadAsync(timer.Token);
                        _wake.Reader.TryRead(out _);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // The poll interval or the heartbeat is due.
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away, or the desk is stopping (a client reconnects with Last-Event-ID).
            }
        }

        /// <summary>One event as schema v1: <c>id</c>, <c>event</c> and one line of <c>data</c>.</summary>
        public async Task WriteAsync(long streamId, ExecutionEvent row, CancellationToken ct)
        {
            _buffer.ResetWrittenCount();
            _buffer.Write(Encoding.UTF8.GetBytes($"id: {streamId.ToString(CultureInfo.InvariantCulture)}\nevent: {row.Kind}\ndata: "));
            using (var json = new Utf8JsonWriter(_buffer, WriterOptions))
            {
                json.WriteStartObject();
                json.WriteNumber("schemaVersion", 1);
                json.WriteNumber("eventId", row.Id);
                json.WriteString("eventType", row.EventType);
                json.WriteString("timestamp", row.Time);
                json.WriteString("executionId", row.ExecutionId);
                json.WriteString("status", row.Status.ToString());
                json.WriteNumber("progress", row.Progress);
                json.WriteString("currentStepId", row.CurrentStepId);
                json.WritePropertyName("data");
                json.WriteRawValue(row.DataJson, skipInputValidation: true);
                json.WriteEndObject();
            }
            _buffer.Write("\n\n"u8);
            await _http.Response.Body.WriteAsync(_buffer.WrittenMemory, ct);
        }

        public ValueTask DisposeAsync()
        {
            _live.ExecutionChanged -= OnExecution;
            _live.StepChanged -= OnStep;
            return ValueTask.CompletedTask;
        }
    }
}
