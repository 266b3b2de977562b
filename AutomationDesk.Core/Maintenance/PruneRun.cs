namespace AutomationDesk.Core.Maintenance;

/// <summary>One prune, kept so the storage view can say when retention last ran and what it removed.</summary>
public sealed class PruneRun
{
    public long Id { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public long DurationMs { get; set; }

    /// <summary>Who started it: <c>schedule</c> for the daily job, otherwise the person or key.</summary>
    public string StartedBy { get; set; } = "";
    public long Executions { get; set; }
    public long Steps { get; set; }
    public long Logs { get; set; }
    public long Events { get; set; }
    public long Artifacts { get; set; }
    public long WebhookEvents { get; set; }
    public long WebhookReceipts { get; set; }
    public long Notifications { get; set; }

    /// <summary>The folder of this prune's archive files; null when it archived nothing.</summary>
    public string? ArchivedTo { get; set; }

    /// <summary>The longest time one of its transactions (or vacuum steps) held the database's write turn.</summary>
    public double LongestWriteHoldMs { get; set; }
    public long DatabaseBytesBefore { get; set; }
    public long DatabaseBytesAfter { get; set; }
}
