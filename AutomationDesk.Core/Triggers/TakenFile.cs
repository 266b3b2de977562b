namespace AutomationDesk.Core.Triggers;

/// <summary>
/// A file a file trigger took: written in the same commit as its run. A file found again that matches a row (same
/// path, size and modification time) is not run again: with <c>then: move|delete</c> it is only moved or deleted (the
/// desk stopped in between), with <c>keep</c> it is left alone. Rows of moved or deleted files go once that is done;
/// rows of kept files go when the file is no longer there.
/// </summary>
public sealed class TakenFile
{
    public long Id { get; set; }
    public Guid WorkflowId { get; set; }

    /// <summary>The file's path relative to <c>Files:Root</c>, with forward slashes.</summary>
    public string Path { get; set; } = "";
    public long Size { get; set; }
    /// <summary>The file's modification time in UTC ticks: exact, where a stored time would lose the last digits.</summary>
    public long ModifiedTicks { get; set; }
    public Guid ExecutionId { get; set; }
    public DateTimeOffset TakenAt { get; set; }
}
