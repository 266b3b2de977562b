using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using AutomationDesk.Web.Jobs;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;

namespace AutomationDesk.Web;

/// <summary>Ready when the database answers.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<DeskDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The database answers.")
            : HealthCheckResult.Unhealthy("The database does not answer.");
    }
}

/// <summary>Ready when both job servers run: the lasting jobs' and the runs'.</summary>
public sealed class JobServerHealthCheck(JobStorage lasting, RunJobStorage runs) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lastingServers = lasting.GetMonitoringApi().Servers();
        var runServers = runs.Storage.GetMonitoringApi().Servers();
        var workers = lastingServers.Concat(runServers).Sum(s => s.WorkersCount);
        return Task.FromResult((lastingServers.Count, runServers.Count) switch
        {
            (0, _) => HealthCheckResult.Unhealthy("No job server runs schedules, timers and maintenance."),
            (_, 0) => HealthCheckResult.Unhealthy("No job server runs workflow runs."),
            _ => HealthCheckResult.Healthy($"{lastingServers.Count + runServers.Count} job server(s), {workers} workers."),
        });
    }
}

/// <summary>Degraded while the circuit breaker of any host that steps call is open (calls to it fail fast).</summary>
public sealed class CircuitBreakerHealthCheck(HostCircuitBreakers breakers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var hosts = breakers.States();
        var open = hosts.Where(h => h.State is CircuitState.Open or CircuitState.Isolated).Select(h => h.Host).ToList();
        var data = hosts.ToDictionary(h => h.Host, h => (object)h.State.ToString());
        return Task.FromResult(open.Count == 0
            ? HealthCheckResult.Healthy($"{hosts.Count} host(s) called, every circuit closed.", data)
            : HealthCheckResult.Degraded($"Calls are paused to {string.Join(", ", open)} after repeated failures.", data: data));
    }
}
