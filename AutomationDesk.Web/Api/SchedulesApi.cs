using System.Security.Claims;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

public static class SchedulesApi
{
    public static RouteGroupBuilder MapSchedulesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/schedules").WithTags("Schedules").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists schedules with their next run");
        group.MapPost("/{workflowId:guid}/pause", Pause).RequireAuthorization(DeskPolicies.Write).WithSummary("Pauses a workflow's schedule");
        group.MapPost("/{workflowId:guid}/resume", Resume).RequireAuthorization(DeskPolicies.Write).WithSummary("Resumes a workflow's schedule");
        group.MapPost("/{workflowId:guid}/run-now", RunNow).RequireAuthorization(DeskPolicies.Write).WithSummary("Runs a scheduled workflow now");
        return group;
    }

    /// <summary>Every schedule trigger, by workflow name: expression in words, next runs, last run, fires missed this week.</summary>
    static async Task<Ok<Paged<ScheduleView>>> List(string? q, [AsParameters] PageQuery paging, ScheduleOverview overview, CancellationToken ct)
    {
        paging.Check();
        var (items, total) = await overview.ListAsync(q, paging.Number, paging.Size, ct);
        return TypedResults.Ok(new Paged<ScheduleView>(items, paging.Number, paging.Size, total));
    }

    static Task<Results<Ok<ScheduleView>, ProblemHttpResult>> Pause(Guid workflowId, ScheduleActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        SetPausedAsync(workflowId, true, actions, user, ct);

    static Task<Results<Ok<ScheduleView>, ProblemHttpResult>> Resume(Guid workflowId, ScheduleActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        SetPausedAsync(workflowId, false, actions, user, ct);

    static async Task<Results<Accepted<ExecutionAccepted>, ProblemHttpResult>> RunNow(
        Guid workflowId, ScheduleActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        await actions.RunNowAsync(workflowId, user.ToActor(), ct) is { } started
            ? TypedResults.Accepted($"/api/v1/executions/{started.Id}", new ExecutionAccepted(started.Id, ExecutionStatus.Queued))
            : Problems.NotFound("schedule", workflowId);

    private static async Task<Results<Ok<ScheduleView>, ProblemHttpResult>> SetPausedAsync(
        Guid workflowId, bool paused, ScheduleActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        await actions.SetPausedAsync(workflowId, paused, user.ToActor(), ct) is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound("schedule", workflowId);
}
