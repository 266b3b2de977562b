using System.ComponentModel.DataAnnotations;
using AutomationDesk.Core.Persistence;
using Microsoft.Extensions.Configuration;

namespace AutomationDesk.Core.Maintenance;

/// <summary>Which database the desk uses, and when the dashboard warns that its disk is nearly full. Bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite (one process, the default) or PostgreSQL (one database for several desk processes).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// <c>Storage:Provider</c>, read before the services exist (the database and Hangfire's storage are chosen by it);
    /// a value that is neither provider stops the start with a sentence that names both.
    /// </summary>
    public static StorageProvider ProviderOf(IConfiguration configuration)
    {
        var value = configuration[$"{Section}:{nameof(Provider)}"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return StorageProvider.Sqlite;
        }
        return Enum.TryParse<StorageProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new InvalidOperationException($"Storage:Provider is \"{value}\": it must be Sqlite or Postgres.");
    }

    /// <summary>Warn when less than this share of the volume is free (default 10%).</summary>
    [Range(0, 100)]
    public double LowDiskWarningPercent { get; set; } = 10;

    /// <summary>Warn also when fewer bytes than this are free (0: only the percentage counts).</summary>
    [Range(0, long.MaxValue)]
    public long LowDiskWarningBytes { get; set; }
}
