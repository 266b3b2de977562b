using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>A routing rule as the API takes it: <c>condition</c> is a structured condition or a template string; <c>workflowId</c> a workflow's id.</summary>
public sealed record InboxRuleBody(string? Source, string? EventType, JsonNode? Condition, string? WorkflowId, bool? Enabled);

/// <summary>Inbox sources, their routing rules and the events they received. Everyone reads; only an Admin changes.</summary>
public static class InboxApi
{
    public static RouteGroupBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/inbox").WithTags("Inbox").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/sources", ListSources).WithSummary("Lists inbox sources");
        group.MapPost("/sources", CreateSource).RequireAuthorization(DeskPolicies.Admin).WithSummary("Creates an inbox source");
        group.MapGet("/sources/{name}", GetSource).WithSummary("Gets an inbox source");
        group.MapPut("/sources/{name}", UpdateSource).RequireAuthorization(DeskPolicies.Admin).WithSummary("Replaces an inbox source");
        group.MapDelete("/sources/{name}", DeleteSource).RequireAuthorization(DeskPolicies.Admin).WithSummary("Deletes an inbox source");
        group.MapGet("/rules", ListRules).WithSummary("Lists inbox rules");
        group.MapPost("/rules", CreateRule).RequireAuthorization(DeskPolicies.Admin).WithSummary("Creates an inbox rule");
        group.MapGet("/rules/{id:guid}", GetRule).WithSummary("Gets an inbox rule");
        group.MapPut("/rules/{id:guid}", UpdateRule).RequireAuthorization(DeskPolicies.Admin).WithSummary("Replaces an inbox rule");
        group.MapDelete("/rules/{id:guid}", DeleteRule).RequireAuthorization(DeskPolicies.Admin).WithSummary("Deletes an inbox rule");
        group.MapGet("/events", ListEvents).WithSummary("Lists events the inbox received and what its rules did");
        return group;
    }

    static async Task<Ok<Paged<InboxSourceView>>> ListSources(string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.InboxSources.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = query.Where(s => EF.Functions.Like(s.Name, pattern, Like.Escape));
        }
        var page = await query.OrderBy(s => s.Name).ToPageAsync(paging, ct);
        return TypedResults.Ok(new Paged<InboxSourceView>(page.Items.Select(InboxSourceView.From).ToList(), page.Page, page.PageSize, page.Total));
    }

    static async Task<Created<InboxSourceView>> CreateSource(InboxSourceInput body, InboxStore inbox, ClaimsPrincipal user, CancellationToken ct)
    {
        var created = await inbox.CreateSourceAsync(body, user.ToActor(), ct);
        return TypedResults.Created($"/api/v1/inbox/sources/{created.Name}", created);
    }

    static async Task<Results<Ok<InboxSourceView>, ProblemHttpResult>> GetSource(string name, InboxStore inbox, CancellationToken ct) =>
        await inbox.GetSourceAsync(name, ct) is { } source ? TypedResults.Ok(source) : Problems.NotFound("inbox source", name);

    static async Task<Results<Ok<InboxSourceView>, ProblemHttpResult>> UpdateSource(string name, InboxSourceInput body, InboxStore inbox, ClaimsPrincipal user, CancellationToken ct) =>
        await inbox.UpdateSourceAsync(name, body, user.ToActor(), ct) is { } source ? TypedResults.Ok(source) : Problems.NotFound("inbox source", name);

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteSource(string name, InboxStore inbox, ClaimsPrincipal user, CancellationToken ct) =>
        await inbox.DeleteSourceAsync(name, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("inbox source", name);

    static async Task<Ok<Paged<InboxRuleView>>> ListRules(string? source, [AsParameters] PageQuery paging, InboxStore inbox, CancellationToken ct)
    {
        paging.Check();
        // Rules are few (a handful per source), so they are paged after the workflow names are joined in.
        var rules = await inbox.ListRulesAsync(source, ct);
        return TypedResults.Ok(new Paged<InboxRuleView>(
            paging.Of(rules), paging.Number, paging.Size, rules.Count));
    }

    static async Task<Created<InboxRuleView>> CreateRule(InboxRuleBody body, InboxStore inbox, ClaimsPrincipal user, CancellationToken ct)
    {
        var created = await inbox.CreateRuleAsync(Input(body), user.ToActor(), ct);
        return TypedResults.Created($"/api/v1/inbox/rules/{created.Id}", created);
    }

    static async Task<Results<Ok<InboxRuleView>, ProblemHttpResult>> GetRule(Guid id, InboxStore inbox, CancellationToken ct) =>
        await inbox.GetRuleAsync(id, ct) is { } rule ? TypedResults.Ok(rule) : Problems.NotFound("inbox rule", id);

    static async Task<Results<Ok<InboxRuleView>, ProblemHttpResult>> UpdateRule(Guid id, InboxRuleBody body, InboxStore inbox, ClaimsPrincipal user, CancellationToken ct) =>
        await inbox.UpdateRuleAsync(id, Input(body), user.ToActor(), ct) is { } rule ? TypedResults.Ok(rule) : Problems.NotFound("inbox rule", id);

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteRule(Guid id, InboxStore inbox, ClaimsPrincipal user, CancellationToken ct) =>
        await inbox.DeleteRuleAsync(id, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("inbox rule", id);

    static async Task<Ok<Paged<InboxEventView>>> ListEvents(
        string? source, string? eventType, string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return TypedResults.Ok(await InboxQueries.Events(db, source, eventType, q).ToPageAsync(paging, ct));
    }

    private static InboxRuleInput Input(InboxRuleBody body)
    {
        Guid? workflowId = null;
        if (body.WorkflowId is { } text)
        {
            workflowId = Guid.TryParse(text, out var parsed) ? parsed : throw DeskProblemException.InvalidField("workflowId", $"'{text}' is not a workflow id.");
        }
        return new InboxRuleInput(body.Source, body.EventType, body.Condition?.ToJsonString(), workflowId, body.Enabled);
    }
}
