using System.Security.Claims;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

/// <summary>Housekeeping an Admin starts by hand: retention now, instead of at the daily job's hour.</summary>
public static class MaintenanceApi
{
    public static RouteGroupBuilder MapMaintenanceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/maintenance").WithTags("Maintenance").RequireAuthorization(DeskPolicies.Admin);
        group.MapPost("/prune", Prune).WithSummary("Prunes old runs, logs and events now, by the retention settings");
        return group;
    }

    /// <summary>
    /// Applies retention now and answers what it removed: <c>executions</c>, <c>logs</c>, <c>webhookEvents</c>,
    /// <c>notifications</c>, <c>archivedTo</c> (null without archive) and more. 409 while a prune is already running.
    /// </summary>
    static async Task<Ok<PruneResult>> Prune(RetentionPrune prune, ClaimsPrincipal user) =>
        // Not the request's token: a client or proxy that gives up waiting must not stop a prune half-way.
        TypedResults.Ok(await prune.PruneAsync(user.ToActor(), null, CancellationToken.None));
}
