using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
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

/// <summary>Ready when a job server is running to take work.</summary>
public sealed class JobServerHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var servers = storage.GetMonitoringApi().Servers();
        return Task.FromResult(servers.Count > 0
            ? HealthCheckResult.Healthy($"{servers.Count} job server(s), {servers.Sum(s => s.WorkersCount)} workers.")
            : HealthCheckResult.Unhealthy("No job server is running."));
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
