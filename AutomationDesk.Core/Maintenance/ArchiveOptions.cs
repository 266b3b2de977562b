namespace AutomationDesk.Core.Maintenance;

/// <summary>Where pruned rows are archived when <c>retention.archive</c> is on. Bound from the <c>Archive</c> section.</summary>
public sealed class ArchiveOptions
{
    /// <summary>The archive folder; empty means <c>archive/</c> beside the database file (<c>data/archive</c>).</summary>
    public string Root { get; set; } = "";
}
