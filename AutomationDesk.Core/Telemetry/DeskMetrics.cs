using System.Diagnostics.Metrics;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Telemetry;

/// <summary>
/// The desk's own instruments on the meter <see cref="MeterName"/>. Instrument names use OpenTelemetry's dots; the
/// Prometheus exporter turns them into the names API.md lists (<c>desk_executions_total</c>,
/// <c>desk_execution_duration_seconds</c>, <c>desk_step_duration_seconds</c>, <c>desk_queue_depth</c>,
/// <c>desk_webhook_requests_total</c>) by replacing dots and adding the unit and <c>_total</c>.
/// </summary>
public sealed class DeskMetrics
{
    public const string MeterName = "AutomationDesk";

    /// <summary>A scrape reads the queue at most this often; between two reads it answers the last count.</summary>
    public static readonly TimeSpan QueueDepthCacheFor = TimeSpan.FromSeconds(1);

    // Runs take from milliseconds (a transform) to days (an approval): the SDK's default buckets are for milliseconds.
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400];

    private readonly Counter<long> _executions;
    private readonly Histogram<double> _executionDuration;
    private readonly Histogram<double> _stepDuration;
    private readonly Counter<long> _webhookRequests;
    private readonly IDbContextFactory<DeskDbContext> _dbFactory;
    private readonly TimeProvider _time;
    private readonly Lock _queueLock = new();
    private (DateTimeOffset ReadAt, long Depth)? _queue;

    public DeskMetrics(IMeterFactory meters, IDbContextFactory<DeskDbContext> dbFactory, TimeProvider time)
    {
        _dbFactory = dbFactory;
        _time = time;
        var meter = meters.Create(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _executions = meter.CreateCounter<long>("desk.executions", description: "Runs that reached a final status.");
        _executionDuration = meter.CreateHistogram("desk.execution.duration", "s", "From the run's start to its end, waits included.", advice: seconds);
        _stepDuration = meter.CreateHistogram("desk.step.duration", "s", "One attempt of a step, from its start to its end.", advice: seconds);
        _webhookRequests = meter.CreateCounter<long>("desk.webhook.requests", description: "Requests to the webhook receivers, by how they were answered.");
        meter.CreateObservableGauge("desk.queue.depth", QueueDepth, description: "Runs queued and due, waiting for a worker.");
    }

    /// <summary>A run reached a final status. Dry runs count too, tagged <c>dry_run="true"</c>.</summary>
    public void RunEnded(ExecutionSummary run)
    {
        _executions.Add(1,
            new KeyValuePair<string, object?>("workflow", run.WorkflowName),
            new KeyValuePair<string, object?>("status", run.Status.ToString()),
            new KeyValuePair<string, object?>("dry_run", run.DryRun ? "true" : "false"));
        if (run.DurationMs is { } ms)
        {
            _executionDuration.Record(ms / 1000.0,
                new KeyValuePair<string, object?>("workflow", run.WorkflowName),
                new KeyValuePair<string, object?>("status", run.Status.ToString()));
        }
    }

    /// <summary>An attempt of a step ended (succeeded, failed, cancelled, or failed and will retry).</summary>
    public void StepEnded(StepRunView step)
    {
        if (step.DurationMs is { } ms)
        {
            _stepDuration.Record(ms / 1000.0,
                new KeyValuePair<string, object?>("type", step.Type),
                new KeyValuePair<string, object?>("status", step.Status.ToString()));
        }
    }

    /// <summary>A webhook receiver answered; <paramref name="outcome"/> is one of <see cref="WebhookOutcomes"/>.</summary>
    public void WebhookAnswered(string outcome) => _webhookRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private long QueueDepth()
    {
        var now = _time.GetUtcNow();
        lock (_queueLock)
        {
            if (_queue is { } last && now - last.ReadAt < QueueDepthCacheFor)
            {
                return last.Depth;
            }
            // Observable instruments are read synchronously by the exporter; the count rides the (Status, CreatedAt) index.
            using var db = _dbFactory.CreateDbContext();
            var depth = db.Executions.LongCount(e => e.Status == ExecutionStatus.Queued && (e.DueAt == null || e.DueAt <= now));
            _queue = (now, depth);
            return depth;
        }
    }
}
