using System.ComponentModel.DataAnnotations;
using AutomationDesk.Core.Persistence;

namespace AutomationDesk.Core.Maintenance;

/// <summary>Which database the desk uses, and when the dashboard warns that its disk is nearly full. Bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite (one process, the default) or PostgreSQL (one database for several desk processes).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Warn when less than this share of the volume is free (default 10%).</summary>
    [Range(0, 100)]
    public double LowDiskWarningPercent { get; set; } = 10;

    /// <summary>Warn also when fewer bytes than this are free (0: only the percentage counts).</summary>
    [Range(0, long.MaxValue)]
    public long LowDiskWarningBytes { get; set; }
}
