namespace AutomationDesk.Core.Maintenance;

/// <summary>What one prune removed (runs with their steps, logs, events and artifacts), where it archived, and how it went.</summary>
public sealed record PruneResult(
    long Executions, long Logs, long WebhookEvents, long Notifications, string? ArchivedTo,
    long Steps, long Events, long Artifacts, long WebhookReceipts,
    DateTimeOffset StartedAt, string StartedBy, long DurationMs, double LongestWriteHoldMs, long DatabaseBytesBefore, long DatabaseBytesAfter)
{
    public static PruneResult From(PruneRun run) => new(
        run.Executions, run.Logs, run.WebhookEvents, run.Notifications, run.ArchivedTo,
        run.Steps, run.Events, run.Artifacts, run.WebhookReceipts,
        run.StartedAt, run.StartedBy, run.DurationMs, run.LongestWriteHoldMs, run.DatabaseBytesBefore, run.DatabaseBytesAfter);
}

/// <summary>How far a prune has come, for the storage page's progress.</summary>
public sealed record PruneProgress(string Stage, long Executions, long WebhookEvents, long Notifications);
