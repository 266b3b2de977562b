using System.Security.Claims;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Notifications;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public static class MonitorApi
{
    public static RouteGroupBuilder MapMonitorApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/monitor").WithTags("Monitor").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/stats", Stats).WithSummary("Counts runs by status");
        group.MapGet("/dashboard", Dashboard).WithSummary("The dashboard's figures");
        group.MapGet("/storage", Storage).RequireAuthorization(DeskPolicies.Admin).WithSummary("Database and artifact sizes");
        return group;
    }

    /// <summary>Counts by status, success rate, average and p95 duration of the runs created in <c>window</c> (default 24h).</summary>
    static async Task<Ok<MonitorStats>> Stats(string? window, IDbContextFactory<DeskDbContext> dbFactory, TimeProvider time, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return TypedResults.Ok(await MonitorQueries.StatsAsync(db, window ?? MonitorQueries.Day, time.GetUtcNow(), ct));
    }

    /// <summary>
    /// Database file and WAL size, free space on its disk, artifacts and archive folder sizes, rows per table and the last
    /// prune. Admin only: it names the server's paths.
    /// </summary>
    static async Task<Ok<StorageView>> Storage(StorageReport report, CancellationToken ct) => TypedResults.Ok(await report.ReadAsync(ct));

    static async Task<Ok<MonitorDashboard>> Dashboard(ClaimsPrincipal user, IDbContextFactory<DeskDbContext> dbFactory, TimeProvider time, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return TypedResults.Ok(await MonitorQueries.DashboardAsync(db, time.GetUtcNow(), NotificationInbox.ReaderOf(user), ct));
    }
}
