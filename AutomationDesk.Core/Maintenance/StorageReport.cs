using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Maintenance;

/// <summary>Free space on the database's volume, and whether it is low enough for the dashboard to warn.</summary>
public sealed record DiskSpace(long FreeBytes, long TotalBytes, double FreePercent, bool Low);

public sealed record TableRows(string Table, long Rows);

/// <summary>What <c>GET /api/v1/monitor/storage</c> and the storage page show.</summary>
public sealed record StorageView(
    string? DatabaseFile, long DatabaseBytes, long WalBytes, DiskSpace? Disk, IReadOnlyList<TableRows> Tables,
    string ArtifactsFolder, long ArtifactsBytes, string ArchiveFolder, long ArchiveBytes, PruneResult? LastPrune);

/// <summary>Sizes of what the desk stores, row counts of its large tables, free disk space and the last prune.</summary>
public sealed class StorageReport(
    IDbContextFactory<DeskDbContext> dbFactory, DatabaseCompaction database, ArtifactStore artifacts, RetentionPrune prune, IOptions<StorageOptions> options)
{
    public async Task<StorageView> ReadAsync(CancellationToken ct)
    {
        var file = database.DatabaseFile;
        var wal = file is null ? 0 : SizeOf(file + "-wal");
        return new StorageView(
            file, database.DatabaseBytes() - wal, wal, Disk(), await RowsAsync(ct),
            artifacts.Root, FolderBytes(artifacts.Root), prune.ArchiveRoot, FolderBytes(prune.ArchiveRoot), await prune.LastAsync(ct));
    }

    /// <summary>Free space where the database lives; null for an in-memory database.</summary>
    public DiskSpace? Disk()
    {
        if (database.DatabaseFile is not { } file || Path.GetDirectoryName(file) is not { } folder)
        {
            return null;
        }
        var drive = new DriveInfo(folder);
        var free = drive.AvailableFreeSpace;
        var total = drive.TotalSize;
        var percent = total > 0 ? Math.Round(100.0 * free / total, 1) : 100;
        var limits = options.Value;
        return new DiskSpace(free, total, percent, percent < limits.LowDiskWarningPercent || free < limits.LowDiskWarningBytes);
    }

    private async Task<IReadOnlyList<TableRows>> RowsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return
        [
            new("Executions", await db.Executions.LongCountAsync(ct)),
            new("StepRuns", await db.StepRuns.LongCountAsync(ct)),
            new("ExecutionLogs", await db.ExecutionLogs.LongCountAsync(ct)),
            new("ExecutionEvents", await db.ExecutionEvents.LongCountAsync(ct)),
            new("ExecutionKeys", await db.ExecutionKeys.LongCountAsync(ct)),
            new("Artifacts", await db.Artifacts.LongCountAsync(ct)),
            new("WebhookEvents", await db.WebhookEvents.LongCountAsync(ct)),
            new("WebhookReceipts", await db.WebhookReceipts.LongCountAsync(ct)),
            new("Notifications", await db.Notifications.LongCountAsync(ct)),
            new("AuditEvents", await db.AuditEvents.LongCountAsync(ct)),
            new("Records", await db.Records.LongCountAsync(ct)),
            new("Workflows", await db.Workflows.LongCountAsync(ct)),
            new("WorkflowVersions", await db.WorkflowVersions.LongCountAsync(ct)),
        ];
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
