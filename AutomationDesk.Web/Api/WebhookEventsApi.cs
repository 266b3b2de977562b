using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public sealed record WebhookEventSummary(
    Guid Id, DateTimeOffset ReceivedAt, Guid? WorkflowId, string? InboxSource, string? EventType, string Method, int StatusCode,
    string Status, string? Reason, long BodyBytes, bool BodyStored, string? IdempotencyKey, IReadOnlyList<Guid> ExecutionIds);

/// <summary>
/// A request as it came: its headers (credential values masked), query and body (null, with <see cref="BodyNote"/> saying
/// why, when it was over the limit or refused for naming no enabled webhook), the runs it started and the runs its replays
/// started. <see cref="ReplayWarning"/> is what a person must confirm before replaying a refused request.
/// </summary>
public sealed record WebhookEventDetail(
    Guid Id, DateTimeOffset ReceivedAt, Guid? WorkflowId, string? InboxSource, string? EventType, string Method, string? ContentType,
    JsonNode? Headers, JsonNode? Query, string? Body, long BodyBytes, int StatusCode, string Status, string? Reason, string? IdempotencyKey,
    IReadOnlyList<Guid> ExecutionIds, IReadOnlyList<Guid> ReplayExecutionIds, string? BodyNote, string? ReplayWarning,
    IReadOnlyList<WebhookEventRun> Runs);

/// <summary>A run a webhook event started, on receipt or by a replay.</summary>
public sealed record WebhookEventRun(Guid ExecutionId, Guid WorkflowId, string WorkflowName, string Status, DateTimeOffset CreatedAt, bool Replay);

public static class WebhookEventsApi
{
    public static readonly IReadOnlyList<string> Statuses = [WebhookEventStatuses.Accepted, WebhookEventStatuses.Duplicate, WebhookEventStatuses.Refused];

    public static RouteGroupBuilder MapWebhookEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhook-events").WithTags("Webhook events").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists received webhook requests");
        group.MapGet("/{id:guid}", Get).WithSummary("Gets a received webhook request");
        group.MapPost("/{id:guid}/replay", Replay).RequireAuthorization(DeskPolicies.Write).WithSummary("Replays a received webhook request");
        return group;
    }

    /// <summary>
    /// Webhook events, newest first, filtered by inbox source, workflow and status, and by text found in the reason,
    /// source, event type, idempotency key or body (the list page uses it too).
    /// </summary>
    public static async Task<Paged<WebhookEventSummary>> ListAsync(
        DeskDbContext db, string? source, Guid? workflowId, string? status, string? search, PageQuery paging, CancellationToken ct)
    {
        var query = db.WebhookEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(source))
        {
            query = query.Where(e => e.InboxSource == source);
        }
        if (workflowId is { } workflow)
        {
            query = query.Where(e => e.WorkflowId == workflow);
        }
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Statuses.Contains(status))
            {
                throw DeskProblemException.InvalidField("status", $"'{status}' is not a webhook event status: use {string.Join(", ", Statuses)}.");
            }
            query = query.Where(e => e.Status == status);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = Like.Contains(search);
            query = query.Where(e => EF.Functions.Like(e.Reason ?? "", pattern, Like.Escape) || EF.Functions.Like(e.InboxSource ?? "", pattern, Like.Escape)
                || EF.Functions.Like(e.EventType ?? "", pattern, Like.Escape) || EF.Functions.Like(e.IdempotencyKey ?? "", pattern, Like.Escape)
                || EF.Functions.Like(e.Body ?? "", pattern, Like.Escape));
        }
        return await query.OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id)
            .Select(e => new WebhookEventSummary(e.Id, e.ReceivedAt, e.WorkflowId, e.InboxSource, e.EventType, e.Method, e.StatusCode, e.Status,
                e.Reason, e.BodyBytes, e.Body != null, e.IdempotencyKey, e.ExecutionIds))
            .ToPageAsync(paging, ct);
    }

    /// <summary>One event as it came with the runs it started, or null (the event page uses it too).</summary>
    public static async Task<WebhookEventDetail?> FindAsync(DeskDbContext db, Guid id, CancellationToken ct)
    {
        if (await db.WebhookEvents.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct) is not { } e)
        {
            return null;
        }
        var ids = e.ExecutionIds.Concat(e.ReplayExecutionIds).ToList();
        var found = await db.Executions.AsNoTracking().Where(x => ids.Contains(x.Id))
            .Select(x => new { x.Id, x.WorkflowId, x.WorkflowName, x.Status, x.CreatedAt })
            .ToListAsync(ct);
        // A run removed by retention is left out; the ids stay in ExecutionIds and ReplayExecutionIds.
        var runs = found
            .Select(x => new WebhookEventRun(x.Id, x.WorkflowId, x.WorkflowName, x.Status.ToString(), x.CreatedAt, e.ReplayExecutionIds.Contains(x.Id)))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.ExecutionId)
            .ToList();
        return new WebhookEventDetail(e.Id, e.ReceivedAt, e.WorkflowId, e.InboxSource, e.EventType, e.Method, e.ContentType,
            JsonNode.Parse(e.HeadersJson), JsonNode.Parse(e.QueryJson), e.Body, e.BodyBytes, e.StatusCode, e.Status, e.Reason, e.IdempotencyKey,
            e.ExecutionIds, e.ReplayExecutionIds, WebhookEvent.MissingBodyNote(e.Body, e.StatusCode, e.Status), WebhookReplay.ConfirmationNeeded(e), runs);
    }

    static async Task<Ok<Paged<WebhookEventSummary>>> List(
        string? source, Guid? workflowId, string? status, string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return TypedResults.Ok(await ListAsync(db, source, workflowId, status, q, paging, ct));
    }

    static async Task<Results<Ok<WebhookEventDetail>, ProblemHttpResult>> Get(Guid id, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await FindAsync(db, id, ct) is { } found ? TypedResults.Ok(found) : Problems.NotFound("webhook event", id);
    }

    /// <summary>
    /// Replays an event. A refused one answers 409 naming why it was refused unless <paramref name="confirm"/> is true:
    /// the caller says it has read the reason and still wants the request run.
    /// </summary>
    static async Task<Accepted<WebhookReplayResult>> Replay(Guid id, bool? confirm, WebhookReplay replay, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Accepted($"/api/v1/webhook-events/{id}", await replay.ReplayAsync(id, user.ToActor(), confirm == true, ct));
}
