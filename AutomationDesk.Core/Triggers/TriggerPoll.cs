namespace AutomationDesk.Core.Triggers;

/// <summary>
/// Where one workflow's polled trigger (email or file) got to, kept in the database so a restart neither loses nor
/// repeats what it took: when to poll next, how the last polls went, and for email the mailbox cursor (UIDVALIDITY and
/// the highest UID taken). <see cref="Source"/> names what the cursor belongs to (connection and folder, or folder):
/// when a person points the trigger elsewhere, the cursor starts afresh.
/// </summary>
public sealed class TriggerPoll
{
    public Guid WorkflowId { get; set; }
    public string Kind { get; set; } = "";
    public string Source { get; set; } = "";
    public long? UidValidity { get; set; }

    /// <summary>The highest UID whose run is recorded; advanced in the same commit as that run (a concurrency token).</summary>
    public long? LastUid { get; set; }

    public DateTimeOffset? NextPollAt { get; set; }
    public DateTimeOffset? LastPollAt { get; set; }

    /// <summary>When the last message or file was taken, and which (a subject or a file name).</summary>
    public DateTimeOffset? LastItemAt { get; set; }
    public string? LastItem { get; set; }

    public string? LastError { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
