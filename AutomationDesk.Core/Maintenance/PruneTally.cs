namespace AutomationDesk.Core.Maintenance;

/// <summary>
/// The running counts of one prune, its longest write turn, and the batch size: it starts at a quarter of
/// <see cref="RetentionOptions.BatchSize"/> (the first turn is not measured yet), then each batch is sized from the
/// last turn's rate to hold the write lock about <see cref="RetentionOptions.MaxWriteHoldMs"/> (up to the batch size).
/// </summary>
internal sealed class PruneTally(RetentionOptions options, IProgress<PruneProgress>? progress)
{
    public int MaxHoldMs => options.MaxWriteHoldMs;

    public int BatchSize { get; private set; } = Math.Max(1, options.BatchSize / 4);
    public long Executions { get; set; }
    public long Steps { get; set; }
    public long Logs { get; set; }
    public long Events { get; set; }
    public long Artifacts { get; set; }
    public long WebhookEvents { get; set; }
    public long WebhookReceipts { get; set; }
    public long Notifications { get; set; }
    public TimeSpan LongestHold { get; private set; }

    public long Deleted => Executions + WebhookEvents + WebhookReceipts + Notifications;

    public void Held(TimeSpan hold)
    {
        LongestHold = hold > LongestHold ? hold : LongestHold;
        // The next batch is sized for a turn of MaxWriteHoldMs at the rate this one went, moving by at most a half down or a
        // quarter up at a time: a batch that grows in steps cannot overshoot far past the limit when the rate varies.
        var scaled = BatchSize * options.MaxWriteHoldMs / Math.Max(0.1, hold.TotalMilliseconds);
        BatchSize = (int)Math.Clamp(scaled, Math.Max(1, BatchSize / 2), Math.Max(1, Math.Min(options.BatchSize, BatchSize + BatchSize / 4)));
    }

    public void Report(string stage) => progress?.Report(new PruneProgress(stage, Executions, WebhookEvents, Notifications));

    public void CopyTo(PruneRun run)
    {
        run.Executions = Executions;
        run.Steps = Steps;
        run.Logs = Logs;
        run.Events = Events;
        run.Artifacts = Artifacts;
        run.WebhookEvents = WebhookEvents;
        run.WebhookReceipts = WebhookReceipts;
        run.Notifications = Notifications;
        run.LongestWriteHoldMs = Math.Round(LongestHold.TotalMilliseconds, 2);
    }
}
