using System.Diagnostics;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Maintenance;

/// <summary>
/// Applies retention: deletes finished runs (with their steps, keys, logs, events and artifacts), webhook events and
/// receipts, and notifications (with their reads and deliveries) older than theirs, archiving them first when
/// <c>retention.archive</c> is on, then gives the freed pages back to the disk. It deletes in short transactions, each
/// one write turn measured, so runs keep going while it works. One prune at a time per process; the daily job runs once
/// per cluster.
/// </summary>
public sealed partial class RetentionPrune(
    IDbContextFactory<DeskDbContext> dbFactory, DeskSettings settings, ArtifactStore artifacts, DatabaseCompaction compaction,
    IConfiguration configuration, IOptions<RetentionOptions> options, IOptions<ArchiveOptions> archiveOptions, string defaultArchiveRoot,
    AuditTrail audit, TimeProvider time, ILogger<RetentionPrune> logger) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public string ArchiveRoot { get; } = archiveOptions.Value.Root is { Length: > 0 } root ? Path.GetFullPath(root) : defaultArchiveRoot;

    /// <summary>Runs retention now. A second call while one runs in this process is refused (409).</summary>
    public async Task<PruneResult> PruneAsync(Actor startedBy, IProgress<PruneProgress>? progress, CancellationToken ct)
    {
        if (!await _one.WaitAsync(0, ct))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "A prune is already running", "Retention is already pruning; wait for it to finish.");
        }
        try
        {
            return await RunAsync(startedBy, progress, ct);
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<PruneResult> RunAsync(Actor startedBy, IProgress<PruneProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var retention = await settings.RetentionAsync(ct);
        var archive = retention.Archive ? new RunArchive(ArchiveRoot, now) : null;
        var tally = new PruneTally(options.Value, progress);
        var run = new PruneRun
        {
            StartedAt = now,
            StartedBy = startedBy.Kind == ActorKind.System ? "schedule" : startedBy.Name,
            DatabaseBytesBefore = compaction.DatabaseBytes(),
        };

        await PruneRunsAsync(retention, now, archive, tally, ct);
        await PruneWebhookEventsAsync(now - TimeSpan.FromDays(retention.WebhookEventsDays), archive, tally, ct);
        await PruneNotificationsAsync(now - TimeSpan.FromDays(retention.NotificationsDays), archive, tally, ct);
        if (tally.Deleted > 0)
        {
            tally.Report("reclaiming space");
            await compaction.ReclaimAsync(tally.MaxHoldMs, tally.Held, ct);
        }

        tally.CopyTo(run);
        run.ArchivedTo = archive?.Folder;
        run.DatabaseBytesAfter = compaction.DatabaseBytes();
        run.FinishedAt = time.GetUtcNow();
        run.DurationMs = (long)clock.Elapsed.TotalMilliseconds;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.PruneRuns.Add(run);
            audit.Record(db, startedBy, "maintenance.prune", "retention", new { run.Executions, run.WebhookEvents, run.Notifications, run.ArchivedTo });
            await db.SaveChangesAsync(ct);
        }
        Log.Pruned(logger, run.Executions, run.WebhookEvents, run.Notifications, run.DurationMs, run.LongestWriteHoldMs);
        return PruneResult.From(run);
    }

    public void Dispose() => _one.Dispose();

    /// <summary>The last prune, for the storage view; null before the first.</summary>
    public async Task<PruneResult?> LastAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.PruneRuns.AsNoTracking().OrderByDescending(p => p.Id).FirstOrDefaultAsync(ct);
        return last is null ? null : PruneResult.From(last);
    }

    private async Task PruneWebhookEventsAsync(DateTimeOffset before, RunArchive? archive, PruneTally tally, CancellationToken ct)
    {
        tally.Report("webhook events");
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await db.WebhookEvents.AsNoTracking().Where(e => e.ReceivedAt < before).OrderBy(e => e.ReceivedAt).Take(tally.BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }
            if (archive is not null)
            {
                await archive.AppendAsync(RunArchive.WebhookEvents, batch, ct);
            }
            var ids = batch.Select(e => e.Id).ToList();
            tally.WebhookEvents += await DeleteInTurnAsync(db, tally, () => db.WebhookEvents.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(ct), ct);
            tally.Report("webhook events");
        }
        // Idempotency keys and inbox delivery ids only decide repeats within a day; past retention they are only rows.
        tally.WebhookReceipts += await DeleteAllInTurnsAsync(tally, db => db.WebhookReceipts.Where(r => r.ReceivedAt < before), ct);
        tally.WebhookReceipts += await DeleteAllInTurnsAsync(tally, db => db.InboxDeliveries.Where(d => d.ReceivedAt < before), ct);
    }

    private async Task PruneNotificationsAsync(DateTimeOffset before, RunArchive? archive, PruneTally tally, CancellationToken ct)
    {
        tally.Report("notifications");
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await db.Notifications.AsNoTracking().Include(n => n.Reads)
                .Where(n => n.CreatedAt < before).OrderBy(n => n.CreatedAt).Take(tally.BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }
            if (archive is not null)
            {
                await archive.AppendAsync(RunArchive.Notifications, batch, ct);
            }
            var ids = batch.Select(n => n.Id).ToList();
            // Reads and channel deliveries go with them (ON DELETE CASCADE).
            tally.Notifications += await DeleteInTurnAsync(db, tally, () => db.Notifications.Where(n => ids.Contains(n.Id)).ExecuteDeleteAsync(ct), ct);
            tally.Report("notifications");
        }
    }

    /// <summary>Deletes what <paramref name="rows"/> selects, a batch per write turn, until nothing is left.</summary>
    private async Task<long> DeleteAllInTurnsAsync<T>(PruneTally tally, Func<DeskDbContext, IQueryable<T>> rows, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var deleted = await DeleteInTurnAsync(db, tally, () => rows(db).Take(tally.BatchSize).ExecuteDeleteAsync(ct), ct);
            total += deleted;
            if (deleted < tally.BatchSize)
            {
                return total;
            }
        }
    }

    /// <summary>One delete in one transaction holding the write turn, its hold measured.</summary>
    private static async Task<int> DeleteInTurnAsync(DeskDbContext db, PruneTally tally, Func<Task<int>> delete, CancellationToken ct)
    {
        await using var write = await DeskDatabase.BeginWriteAsync(db, ct);
        var held = Stopwatch.GetTimestamp();
        var deleted = await delete();
        await write.CommitAsync(ct);
        tally.Held(Stopwatch.GetElapsedTime(held));
        return deleted;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information,
            Message = "Retention pruned {Executions} runs, {WebhookEvents} webhook events and {Notifications} notifications in {DurationMs} ms (longest write turn {LongestHoldMs:N1} ms)")]
        public static partial void Pruned(ILogger logger, long executions, long webhookEvents, long notifications, long durationMs, double longestHoldMs);
    }
}
