using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public static class ExecutionsApi
{
    public const string KeyPrefix = "key.";

    public static RouteGroupBuilder MapExecutionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/executions").WithTags("Executions").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists runs, filtered and paged");
        group.MapGet("/{id:guid}", Get).WithSummary("Gets a run with its steps");
        group.MapGet("/{id:guid}/logs", Logs).WithSummary("Lists a run's log lines");
        group.MapPost("/{id:guid}/cancel", Cancel).RequireAuthorization(DeskPolicies.Write).WithSummary("Cancels a run");
        group.MapGet("/{id:guid}/retry-plan", RetryPlan).WithSummary("Shows which steps a retry would keep and which it would run again");
        group.MapPost("/{id:guid}/retry", Retry).RequireAuthorization(DeskPolicies.Write).WithSummary("Retries a failed run");
        group.MapPost("/{id:guid}/pause", Pause).RequireAuthorization(DeskPolicies.Write).WithSummary("Pauses a running run");
        // Any reader may reach resume: an approval can name Viewers as approvers; Core refuses whoever may not decide.
        group.MapPost("/{id:guid}/resume", Resume).WithSummary("Resumes a paused run, or approves or rejects its waiting approval");
        return group;
    }

    /// <summary>Which steps a retry would run again, and which of those reach the outside world.</summary>
    static async Task<Ok<RetryPlan>> RetryPlan(Guid id, string? from, RunRetry retries, CancellationToken ct) =>
        TypedResults.Ok(await retries.PlanAsync(id, ParseFrom(from), ct));

    /// <summary>
    /// A child run of a failed, timed-out or cancelled run: <c>from=start</c> replays it, <c>from=failed</c> resumes it.
    /// A run that was already retried answers 409 naming the earlier retry, unless <c>force=true</c>.
    /// </summary>
    static async Task<Accepted<ExecutionSummary>> Retry(Guid id, string? from, bool? force, RunRetry retries, ClaimsPrincipal user, CancellationToken ct)
    {
        var child = await StartRetryAsync(retries, id, ParseFrom(from), force == true, user, ct);
        return TypedResults.Accepted($"/api/v1/executions/{child.Id}", child);
    }

    /// <summary>The one way the API retries a run, for the executions and the dead-letters routes alike.</summary>
    public static Task<ExecutionSummary> StartRetryAsync(RunRetry retries, Guid id, RetryFrom from, bool force, ClaimsPrincipal user, CancellationToken ct) =>
        force ? retries.RetryAgainAsync(id, from, user.ToActor(), ct) : retries.RetryAsync(id, from, user.ToActor(), ct);

    /// <summary>Pauses a run: at once when it is not on a worker, else at its next step boundary (<c>pausing: true</c>).</summary>
    static async Task<Accepted<PauseOutcome>> Pause(Guid id, RunPause pauses, ClaimsPrincipal user, CancellationToken ct)
    {
        var outcome = await pauses.PauseAsync(id, user.ToActor(), ct);
        return TypedResults.Accepted($"/api/v1/executions/{id}", outcome);
    }

    /// <summary>Resumes a paused run; a run paused at an approval step is approved or rejected with <c>{ decision, comment }</c>.</summary>
    static async Task<Accepted<ExecutionSummary>> Resume(
        Guid id, HttpRequest request, RunPause pauses, Approvals approvals, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, ct);
        ExecutionSummary resumed;
        if (body["decision"] is { } decision)
        {
            var comment = body["comment"] is JsonValue text && text.TryGetValue<string>(out var said) ? said : null;
            resumed = await approvals.DecideAsync(id, ParseDecision(decision.ToString()), comment, user.ToDecider(), ct);
        }
        else
        {
            if (!user.IsInRole(DeskRoles.Editor) && !user.IsInRole(DeskRoles.Admin))
            {
                throw new DeskProblemException(ProblemKind.Forbidden, "Not allowed", "Only Editors and Admins resume a paused run.");
            }
            resumed = await pauses.ResumeAsync(id, user.ToActor(), ct);
        }
        return TypedResults.Accepted($"/api/v1/executions/{id}", resumed);
    }

    public static ApprovalDecision ParseDecision(string decision) => decision.ToLowerInvariant() switch
    {
        "approve" => ApprovalDecision.Approve,
        "reject" => ApprovalDecision.Reject,
        _ => throw DeskProblemException.InvalidField("decision", $"'{decision}' is not a decision: use approve or reject."),
    };

    public static RetryFrom ParseFrom(string? from) => from?.ToLowerInvariant() switch
    {
        null or "" or "start" => RetryFrom.Start,
        "failed" => RetryFrom.Failed,
        _ => throw DeskProblemException.InvalidField("from", $"'{from}' is not a place to retry from: use start or failed."),
    };

    /// <summary>
    /// Lists runs. Business keys filter as <c>key.&lt;name&gt;=value</c>, e.g. <c>?key.customer=c1</c>; <c>parentId</c>
    /// (with <c>parentStepId</c>) lists the runs one run started: its sub-workflows, a foreach's items, its re-runs.
    /// </summary>
    static async Task<Ok<Paged<ExecutionSummary>>> List(
        Guid? workflowId, string? status, string? trigger, DateTimeOffset? from, DateTimeOffset? to, string? q, Guid? parentId, string? parentStepId,
        [AsParameters] PageQuery paging, HttpRequest request, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        var keys = request.Query.Where(p => p.Key.StartsWith(KeyPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[KeyPrefix.Length..], p => p.Value.ToString(), StringComparer.Ordinal);
        var statuses = string.IsNullOrWhiteSpace(status) ? null : ExecutionFilter.ParseStatuses(status);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return TypedResults.Ok(await ExecutionQueries.ListAsync(db, new ExecutionFilter(workflowId, statuses, trigger, from, to, q, keys, parentId, parentStepId), paging, ct));
    }

    static async Task<Accepted<CancelOutcome>> Cancel(Guid id, RunCancellation cancellation, ClaimsPrincipal user, CancellationToken ct)
    {
        var outcome = await cancellation.CancelAsync(id, user.ToActor(), ct);
        return TypedResults.Accepted($"/api/v1/executions/{id}", outcome);
    }

    static async Task<Results<Ok<ExecutionDetail>, ProblemHttpResult>> Get(Guid id, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct) =>
        await LoadDetailAsync(dbFactory, id, ct) is { } detail ? TypedResults.Ok(detail) : Problems.NotFound("execution", id);

    static async Task<Results<Ok<Paged<ExecutionLogView>>, ProblemHttpResult>> Logs(
        Guid id, LogLevelName? level, LogDomain? domain, string? stepId, [AsParameters] PageQuery paging,
        IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Executions.AnyAsync(e => e.Id == id, ct))
        {
            return Problems.NotFound("execution", id);
        }
        return TypedResults.Ok(await ExecutionQueries.LogsAsync(db, id, level, domain, stepId, paging, ct));
    }

    public static async Task<ExecutionDetail?> LoadDetailAsync(IDbContextFactory<DeskDbContext> dbFactory, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var execution = await db.Executions.AsNoTracking().Include(e => e.Steps).Include(e => e.Keys).AsSplitQuery().SingleOrDefaultAsync(e => e.Id == id, ct);
        return execution is null ? null : ExecutionDetail.From(execution);
    }
}
