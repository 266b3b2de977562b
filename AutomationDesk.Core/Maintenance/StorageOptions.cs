using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Core.Maintenance;

/// <summary>When the dashboard warns that the database's disk is nearly full. Bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    /// <summary>Warn when less than this share of the volume is free (default 10%).</summary>
    [Range(0, 100)]
    public double LowDiskWarningPercent { get; set; } = 10;

    /// <summary>Warn also when fewer bytes than this are free (0: only the percentage counts).</summary>
    [Range(0, long.MaxValue)]
    public long LowDiskWarningBytes { get; set; }
}
