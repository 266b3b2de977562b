using System.Security.Claims;
using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>A run that failed and waits for a person: replay, resume or discard.</summary>
public sealed record DeadLetterView(
    Guid Id, Guid WorkflowId, string WorkflowName, ExecutionStatus Status, string TriggerKind, DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt, string? FailedStepId, string? ErrorHuman, int Attempt, Guid? ParentExecutionId);

/// <param name="Action"><c>resume</c> (from the failed step), <c>replay</c> (from the start) or <c>discard</c>.</param>
/// <param name="Force">Retry even runs that were retried before.</param>
public sealed record DeadLetterBatchRequest(IReadOnlyList<Guid>? Ids, string? Action, bool? Force);

public sealed record DeadLetterBatchAnswer(DeadLetterAction Action, IReadOnlyList<DeadLetterOutcome> Items);

public static class DeadLettersApi
{
    public static RouteGroupBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dead-letters").WithTags("Dead letters").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists dead letters (failed runs waiting for a person)");
        group.MapPost("/{id:guid}/discard", Discard).RequireAuthorization(DeskPolicies.Write).WithSummary("Discards a dead letter");
        group.MapPost("/{id:guid}/replay", Replay).RequireAuthorization(DeskPolicies.Write).WithSummary("Replays a dead letter: runs it again");
        group.MapPost("/bulk", Bulk).RequireAuthorization(DeskPolicies.Write)
            .WithSummary("Resume, replay or discard up to 100 dead letters; answers each one's outcome");
        return group;
    }

    static async Task<Ok<Paged<DeadLetterView>>> List(
        Guid? workflowId, string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, IConfiguration configuration,
        TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(dbFactory, Retention(configuration), time, workflowId, q, paging, ct));

    static async Task<Ok<ExecutionSummary>> Discard(Guid id, RunRetry retries, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await retries.DiscardAsync(id, user.ToActor(), ct));

    /// <summary>
    /// Retries a dead letter as the executions API does (<c>from=start|failed</c>): the plan is at
    /// <c>GET /executions/{id}/retry-plan</c>, and a run already retried answers 409 unless <c>force=true</c>.
    /// </summary>
    static async Task<Accepted<ExecutionSummary>> Replay(Guid id, string? from, bool? force, RunRetry retries, ClaimsPrincipal user, CancellationToken ct)
    {
        var child = await ExecutionsApi.StartRetryAsync(retries, id, ExecutionsApi.ParseFrom(from), force == true, user, ct);
        return TypedResults.Accepted($"/api/v1/executions/{child.Id}", child);
    }

    /// <summary>Each dead letter goes on its own: one that cannot be done is reported in its item and the others still go.</summary>
    static async Task<Ok<DeadLetterBatchAnswer>> Bulk(DeadLetterBatchRequest body, DeadLetterBatch batch, ClaimsPrincipal user, CancellationToken ct)
    {
        var action = ParseAction(body.Action);
        return TypedResults.Ok(new DeadLetterBatchAnswer(action, await batch.ApplyAsync(body.Ids ?? [], action, body.Force == true, user.ToActor(), ct)));
    }

    public static DeadLetterAction ParseAction(string? action) =>
        Enum.TryParse<DeadLetterAction>(action, ignoreCase: true, out var parsed) && !int.TryParse(action, out _)
            ? parsed
            : throw DeskProblemException.InvalidField("action", $"'{action}' is not something to do with dead letters: resume, replay or discard.");

    /// <summary>How long a failed run stays in the list (<c>DeadLetters:RetentionDays</c>, default 30); older ones drop off it.</summary>
    public static TimeSpan Retention(IConfiguration configuration) => DeadLetterRetention.Of(configuration);

    /// <summary>Open dead letters, newest first; the page and the API share this query.</summary>
    public static async Task<Paged<DeadLetterView>> ListAsync(
        IDbContextFactory<DeskDbContext> dbFactory, TimeSpan retention, TimeProvider time, Guid? workflowId, string? q, PageQuery paging, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = time.GetUtcNow() - retention;
        var query = db.Executions.AsNoTracking()
            .Where(e => (e.Status == ExecutionStatus.Failed || e.Status == ExecutionStatus.TimedOut)
                && e.DeadLetterOutcome == null && e.DraftDefinitionJson == null && !e.DryRun && e.FinishedAt >= since);
        if (workflowId is { } id)
        {
            query = query.Where(e => e.WorkflowId == id);
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = $"%{q.Trim()}%";
            query = query.Where(e => EF.Functions.Like(e.WorkflowName, pattern) || EF.Functions.Like(e.ErrorHuman!, pattern));
        }
        return await query.OrderByDescending(e => e.FinishedAt)
            .Select(e => new DeadLetterView(e.Id, e.WorkflowId, e.WorkflowName, e.Status, e.TriggerKind, e.CreatedAt, e.FinishedAt,
                e.CurrentStepId, e.ErrorHuman, e.Attempt, e.ParentExecutionId))
            .ToPageAsync(paging, ct);
    }
}
