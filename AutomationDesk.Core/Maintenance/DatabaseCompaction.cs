using System.Diagnostics;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Maintenance;

/// <summary>
/// Gives the pages a prune freed back to the disk. The database runs with <c>auto_vacuum=incremental</c> (see
/// <see cref="DeskDatabase.MigrateAsync"/>): <c>PRAGMA incremental_vacuum(n)</c> moves up to n pages from the end of the
/// file into free ones and cuts the end off. Each step holds the write turn, so it goes a few hundred to a few thousand
/// pages at a time, each step sized from the last one's rate. In WAL mode the file itself is cut when the checkpoint has copied
/// everything back; the checkpoint comes last and is passive, so it never makes a writer wait.
/// </summary>
public sealed class DatabaseCompaction(IDbContextFactory<DeskDbContext> dbFactory, string? databaseFile)
{

    /// <summary>The database file and its WAL, in bytes (0 for an in-memory database).</summary>
    public long DatabaseBytes() => SizeOf(databaseFile) + SizeOf(databaseFile + "-wal");

    public string? DatabaseFile => databaseFile;

    /// <param name="maxHoldMs">How long one step may hold the write turn before the next is made smaller.</param>
    /// <param name="held">Told the length of each write turn taken.</param>
    public async Task ReclaimAsync(int maxHoldMs, Action<TimeSpan> held, CancellationToken ct)
    {
        var pages = 256;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!db.Database.IsSqlite())
        {
            return; // PostgreSQL's autovacuum makes pruned rows' space reusable on its own; no step of the desk's gives it back.
        }
        await db.Database.OpenConnectionAsync(ct);
        // Only a database in incremental mode gives pages back (one not migrated by the desk keeps them for reuse).
        var free = await ScalarAsync(db, "PRAGMA auto_vacuum;", ct) == 2 ? await ScalarAsync(db, "PRAGMA freelist_count;", ct) : 0;
        while (free > 0)
        {
            var hold = await InTurnAsync(db, $"PRAGMA incremental_vacuum({pages});", ct);
            held(hold);
            // Sized from the last step's rate for a turn of about maxHoldMs, moving by at most a half down or a quarter up.
            pages = (int)Math.Clamp(pages * maxHoldMs / Math.Max(0.1, hold.TotalMilliseconds), Math.Max(16, pages / 2), Math.Min(2048, pages + pages / 4));
            var left = await ScalarAsync(db, "PRAGMA freelist_count;", ct);
            free = left < free ? left : 0;
        }
        await ScalarAsync(db, "PRAGMA wal_checkpoint(PASSIVE);", ct);
    }

    /// <summary>Runs the pragma to its end under the write turn: incremental_vacuum answers a row per page and stops when they are no longer read.</summary>
    private static async Task<TimeSpan> InTurnAsync(DeskDbContext db, string sql, CancellationToken ct)
    {
        await using (await DeskDatabase.WriteTurnAsync(db, ct))
        {
            var started = Stopwatch.GetTimestamp();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                }
            }
            return Stopwatch.GetElapsedTime(started);
        }
    }

    private static async Task<long> ScalarAsync(DeskDbContext db, string sql, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct) is long value ? value : 0;
    }

    private static long SizeOf(string? path) => path is not null && File.Exists(path) ? new FileInfo(path).Length : 0;
}
