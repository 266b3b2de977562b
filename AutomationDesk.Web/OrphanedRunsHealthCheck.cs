using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutomationDesk.Web;

/// <summary>
/// Degraded while any run is <c>Running</c> with no live owner: its lease is missing or has run out, or the process that
/// holds it has ended. Such a run is taken back by recovery (at the next start, or when its lease ends), so a report
/// that stays is worth a look.
/// </summary>
public sealed class OrphanedRunsHealthCheck(IDbContextFactory<DeskDbContext> dbFactory, NodeLiveness liveness, TimeProvider time) : IHealthCheck
{
    private const int Listed = 10;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var running = await db.Executions.AsNoTracking()
            .Where(e => e.Status == ExecutionStatus.Running)
            .Select(e => new { e.Id, e.LeaseOwner, e.LeaseExpiresAt })
            .ToListAsync(cancellationToken);
        var orphaned = running
            .Where(e => e.LeaseOwner is null || e.LeaseExpiresAt is null || e.LeaseExpiresAt < now || liveness.IsGone(e.LeaseOwner))
            .Select(e => e.Id)
            .ToList();
        if (orphaned.Count == 0)
        {
            return HealthCheckResult.Healthy($"{running.Count} run(s) running, each held by a live worker.");
        }
        var data = new Dictionary<string, object> { ["orphaned"] = orphaned.Count, ["executions"] = orphaned.Take(Listed).ToList() };
        return HealthCheckResult.Degraded(
            $"{orphaned.Count} run(s) are Running with no live owner; recovery takes them back when their lease ends or at the next start.",
            data: data);
    }
}
