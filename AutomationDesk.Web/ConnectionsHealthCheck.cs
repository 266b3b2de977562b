using AutomationDesk.Core.Connections;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutomationDesk.Web;

/// <summary>
/// Degraded while any connection's last test failed: the steps that use it will fail too. The names go in the
/// description and data, which only a signed-in caller sees.
/// </summary>
public sealed class ConnectionsHealthCheck(ConnectionStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connections = await store.ListAsync(cancellationToken);
        var failing = connections.Where(c => c.Health == ConnectionHealth.Failing).Select(c => c.Name).ToList();
        if (failing.Count == 0)
        {
            var unknown = connections.Count(c => c.Health == ConnectionHealth.Unknown);
            return HealthCheckResult.Healthy($"{connections.Count} connection(s), none failing{(unknown > 0 ? $" ({unknown} not tested yet)" : "")}.");
        }
        return HealthCheckResult.Degraded(
            $"{failing.Count} connection(s) failing their test: {string.Join(", ", failing)}.",
            data: new Dictionary<string, object> { ["failing"] = failing });
    }
}
