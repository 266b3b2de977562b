using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public sealed record AuditView(long Id, DateTimeOffset Time, ActorKind ActorKind, string Actor, string Action, string Target, JsonNode? Details);

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists audit events, newest first");
        return group;
    }

    static async Task<Ok<Paged<AuditView>>> List(
        string? actor, string? action, string? target, DateTimeOffset? from, DateTimeOffset? to, [AsParameters] PageQuery paging,
        IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor))
        {
            var pattern = Like.Contains(actor);
            query = query.Where(a => EF.Functions.Like(a.Actor, pattern, Like.Escape));
        }
        if (!string.IsNullOrWhiteSpace(action))
        {
            query = action.EndsWith('.') || !action.Contains('.', StringComparison.Ordinal)
                ? query.Where(a => a.Action.StartsWith(action))
                : query.Where(a => a.Action == action);
        }
        if (!string.IsNullOrWhiteSpace(target))
        {
            var pattern = Like.Contains(target);
            query = query.Where(a => EF.Functions.Like(a.Target, pattern, Like.Escape));
        }
        if (from is { } start)
        {
            query = query.Where(a => a.Time >= start.ToUniversalTime());
        }
        if (to is { } end)
        {
            query = query.Where(a => a.Time < end.ToUniversalTime());
        }
        var page = await query.OrderByDescending(a => a.Id).ToPageAsync(paging, ct);
        return TypedResults.Ok(new Paged<AuditView>(
            page.Items.Select(a => new AuditView(a.Id, a.Time, a.ActorKind, a.Actor, a.Action, a.Target, a.DetailsJson is null ? null : JsonNode.Parse(a.DetailsJson))).ToList(),
            page.Page, page.PageSize, page.Total));
    }
}
