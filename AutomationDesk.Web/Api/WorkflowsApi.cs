using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public sealed record LastRun(Guid Id, ExecutionStatus Status, DateTimeOffset CreatedAt);

public sealed record WorkflowListItem(
    Guid Id, string Name, string? Description, IReadOnlyList<string> Tags, bool Enabled, string TriggerType, int Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, LastRun? LastRun);

public sealed record WorkflowVersionInfo(int Version, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record WorkflowVersionDetail(int Version, DateTimeOffset CreatedAt, string CreatedBy, JsonNode? Definition);

public sealed record ExecutionAccepted(Guid ExecutionId, ExecutionStatus Status);

public static class WorkflowsApi
{
    /// <summary>How long <c>execute?wait=true</c> waits for the run to end before answering 202.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    public static RouteGroupBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workflows").WithTags("Workflows").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists workflows");
        group.MapPost("/", Create).RequireAuthorization(DeskPolicies.Write).Accepts<JsonObject>("application/json").WithSummary("Creates a workflow");
        group.MapGet("/{id:guid}", Get).WithSummary("Gets a workflow");
        group.MapPut("/{id:guid}", Update).RequireAuthorization(DeskPolicies.Write).Accepts<JsonObject>("application/json").WithSummary("Saves a workflow as a new version");
        group.MapDelete("/{id:guid}", Delete).RequireAuthorization(DeskPolicies.Write).WithSummary("Deletes a workflow");
        group.MapPost("/{id:guid}/enable", Enable).RequireAuthorization(DeskPolicies.Write).WithSummary("Enables a workflow's triggers");
        group.MapPost("/{id:guid}/disable", Disable).RequireAuthorization(DeskPolicies.Write).WithSummary("Disables a workflow's triggers");
        group.MapGet("/{id:guid}/versions", Versions).WithSummary("Lists a workflow's versions");
        group.MapGet("/{id:guid}/versions/{version:int}", Version).WithSummary("Gets one version of a workflow");
        group.MapPost("/{id:guid}/versions/{version:int}/restore", Restore).RequireAuthorization(DeskPolicies.Write).WithSummary("Restores an earlier version as the newest");
        group.MapPost("/{id:guid}/execute", Execute).RequireAuthorization(DeskPolicies.Write).Accepts<JsonObject>("application/json").WithSummary("Runs a workflow with an input");
        return group;
    }

    static async Task<Ok<Paged<WorkflowListItem>>> List(
        string? q, string? tag, bool? enabled, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Workflows.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = query.Where(w => EF.Functions.Like(w.Name, pattern, Like.Escape) || EF.Functions.Like(w.Description ?? "", pattern, Like.Escape));
        }
        if (!string.IsNullOrWhiteSpace(tag))
        {
            query = query.Where(w => w.Tags.Contains(tag));
        }
        if (enabled is { } isEnabled)
        {
            query = query.Where(w => w.Enabled == isEnabled);
        }
        var page = await query.OrderByDescending(w => w.UpdatedAt)
            .Select(w => new WorkflowListItem(w.Id, w.Name, w.Description, w.Tags, w.Enabled, w.TriggerType, w.Version, w.CreatedAt, w.UpdatedAt,
                db.Executions.Where(e => e.WorkflowId == w.Id).OrderByDescending(e => e.CreatedAt)
                    .Select(e => new LastRun(e.Id, e.Status, e.CreatedAt)).FirstOrDefault()))
            .ToPageAsync(paging, ct);
        return TypedResults.Ok(page);
    }

    static async Task<Created<JsonObject>> Create(HttpRequest request, WorkflowStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var workflow = await store.CreateAsync(await RequestBody.ReadTextAsync(request, ct), user.ToActor(), ct);
        return TypedResults.Created($"/api/v1/workflows/{workflow["id"]!.GetValue<Guid>()}", workflow);
    }

    static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Get(Guid id, WorkflowStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } workflow ? TypedResults.Ok(workflow) : Problems.NotFound("workflow", id);

    static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Update(Guid id, HttpRequest request, WorkflowStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.UpdateAsync(id, await RequestBody.ReadTextAsync(request, ct), user.ToActor(), ct) is { } workflow
            ? TypedResults.Ok(workflow) : Problems.NotFound("workflow", id);

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, WorkflowStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.DeleteAsync(id, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("workflow", id);

    static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Enable(Guid id, WorkflowStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.SetEnabledAsync(id, true, user.ToActor(), ct) is { } workflow ? TypedResults.Ok(workflow) : Problems.NotFound("workflow", id);

    static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Disable(Guid id, WorkflowStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.SetEnabledAsync(id, false, user.ToActor(), ct) is { } workflow ? TypedResults.Ok(workflow) : Problems.NotFound("workflow", id);

    static async Task<Results<Ok<Paged<WorkflowVersionInfo>>, ProblemHttpResult>> Versions(
        Guid id, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Workflows.AnyAsync(w => w.Id == id, ct))
        {
            return Problems.NotFound("workflow", id);
        }
        return TypedResults.Ok(await db.WorkflowVersions.AsNoTracking().Where(v => v.WorkflowId == id)
            .OrderByDescending(v => v.Version)
            .Select(v => new WorkflowVersionInfo(v.Version, v.CreatedAt, v.CreatedBy))
            .ToPageAsync(paging, ct));
    }

    static async Task<Results<Ok<WorkflowVersionDetail>, ProblemHttpResult>> Version(Guid id, int version, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.WorkflowVersions.AsNoTracking().SingleOrDefaultAsync(v => v.WorkflowId == id && v.Version == version, ct);
        return found is null
            ? Problems.NotFound("workflow version", $"{id} v{version}")
            : TypedResults.Ok(new WorkflowVersionDetail(found.Version, found.CreatedAt, found.CreatedBy, SigningSecrets.Masked(JsonNode.Parse(found.DefinitionJson)!.AsObject())));
    }

    static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Restore(Guid id, int version, WorkflowStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.RestoreAsync(id, version, user.ToActor(), ct) is { } workflow ? TypedResults.Ok(workflow) : Problems.NotFound("workflow version", $"{id} v{version}");

    static async Task<Results<Ok<ExecutionDetail>, Accepted<ExecutionAccepted>>> Execute(
        Guid id, HttpRequest request, [FromQuery] bool? wait, [FromQuery] bool? dryRun, ExecutionLauncher launcher, ExecutionWaiter waiter, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var input = await RequestBody.ReadObjectAsync(request, ct);
        var correlationId = request.Headers["X-Correlation-Id"].ToString() is { Length: > 0 and <= 128 } given ? given : null;
        var started = await launcher.StartAsync(id, new RunRequest(TriggerTypes.Manual, new JsonObject { ["body"] = input }, correlationId, DryRun: dryRun == true),
            user.ToActor(), ct);
        var location = $"/api/v1/executions/{started.Id}";
        if (wait == true && await waiter.WaitForFinalAsync(started.Id, WaitLimit, ct) is { } finished)
        {
            return TypedResults.Ok(finished);
        }
        return TypedResults.Accepted(location, new ExecutionAccepted(started.Id, ExecutionStatus.Queued));
    }
}

/// <summary>LIKE patterns with the user's text taken literally.</summary>
public static class Like
{
    public const string Escape = "\\";

    public static string Contains(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
