using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// The database's answer to a lost timer. A waiting run's wake-up is written to the job storage after the run's own
/// checkpoint commits; when that write fails (the job file busy or the disk full), or the storage is lost, the run would wait
/// until the next start. Every minute this looks for runs whose due time passed more than <see cref="Grace"/> ago
/// (waiting on a delay, a retry's backoff, an approval's timeout) and dispatches them. A run whose timer did fire is claimed
/// once either way: the claim decides, so a second dispatch does nothing.
/// </summary>
public sealed partial class OverdueTimerSweep(IDbContextFactory<DeskDbContext> dbFactory, IExecutionDispatcher dispatcher, TimeProvider time, ILogger<OverdueTimerSweep> logger)
{
    /// <summary>A timer fires within a second or two of its due time: only runs later than this are taken as lost.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>At most this many runs a sweep: a backlog is worked off minute by minute rather than in one burst.</summary>
    public const int MaxPerSweep = 500;

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow() - Grace;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var overdue = await db.Executions.AsNoTracking()
            .Where(e => (e.Status == ExecutionStatus.Waiting || e.Status == ExecutionStatus.Retrying || e.Status == ExecutionStatus.Paused)
                && e.DueAt != null && e.DueAt < before)
            .OrderBy(e => e.DueAt)
            .Select(e => e.Id)
            .Take(MaxPerSweep)
            .ToListAsync(ct);
        foreach (var id in overdue)
        {
            await dispatcher.DispatchAsync(id, ct);
        }
        if (overdue.Count > 0)
        {
            Log.Swept(logger, overdue.Count, Grace);
        }
        return overdue.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} waiting runs were more than {Grace} past their due time (their timer was lost): dispatched them now.")]
        public static partial void Swept(ILogger logger, int count, TimeSpan grace);
    }
}
