using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public static class WorkflowStatsApi
{
    public static RouteGroupBuilder MapWorkflowStatsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workflows").WithTags("Workflows").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/{id:guid}/stats", Stats).WithSummary("A workflow's run figures");
        return group;
    }

    /// <summary>Runs per day by status, success rate, p50/p95 durations, slowest steps and most frequent errors over <c>window</c> (7d, 30d, 90d; default 7d).</summary>
    static async Task<Results<Ok<WorkflowStats>, ProblemHttpResult>> Stats(
        Guid id, string? window, IDbContextFactory<DeskDbContext> dbFactory, TimeProvider time, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await WorkflowStatsQueries.StatsAsync(db, id, window ?? WorkflowStatsQueries.DefaultWindow, time.GetUtcNow(), ct) is { } stats
            ? TypedResults.Ok(stats)
            : Problems.NotFound("workflow", id);
    }
}
