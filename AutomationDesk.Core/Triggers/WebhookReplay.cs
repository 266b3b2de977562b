using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>What a replay started.</summary>
public sealed record WebhookReplayResult(Guid EventId, IReadOnlyList<StartedRun> Runs);

/// <summary>
/// Runs a stored webhook request again, as a person asks: a workflow event starts its workflow with the request as it
/// came; an inbox event starts the workflows whose rules match it now. The signature, token and idempotency key are
/// not checked again (the stored headers have their credentials masked): the person is the authority, and the replay
/// is audited. A request the receiver refused is replayed only when the person has confirmed it, having been told why
/// it was refused. Each replayed run's trigger input carries <c>replay.webhookEventId</c>, and the event lists the run.
/// </summary>
public sealed class WebhookReplay(IDbContextFactory<DeskDbContext> dbFactory, ExecutionLauncher launcher, InboxRouter inbox, AuditTrail audit)
{
    /// <summary>The trigger input field that marks a replayed run: <c>replay: { webhookEventId }</c>.</summary>
    public const string ReplayField = "replay";
    public const string EventIdField = "webhookEventId";

    /// <summary>The webhook event a run replays, read from its trigger input; null for any other run.</summary>
    public static Guid? ReplayedEventOf(JsonNode? triggerInput) =>
        triggerInput is JsonObject input && input[ReplayField] is JsonObject replay && replay[EventIdField] is JsonValue value
            && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var eventId) ? eventId : null;

    /// <summary>What a person must be told before replaying a refused request; null when it was not refused.</summary>
    public static string? ConfirmationNeeded(WebhookEvent stored) => stored.Status == WebhookEventStatuses.Refused
        ? $"This request was refused ({stored.StatusCode}): {stored.Reason ?? "no reason recorded"} A replay starts runs without checking its token or signature again."
        : null;

    /// <param name="confirmed">The person was told why the request was refused and still wants it run.</param>
    public async Task<WebhookReplayResult> ReplayAsync(Guid eventId, Actor actor, bool confirmed, CancellationToken ct)
    {
        WebhookEvent stored;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            stored = await db.WebhookEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == eventId, ct)
                ?? throw new DeskProblemException(ProblemKind.NotFound, "Webhook event not found", $"There is no webhook event {eventId}.");
        }
        var request = WebhookRequest.FromEvent(stored)
            ?? throw new DeskProblemException(ProblemKind.Conflict, "Body not stored",
                $"Webhook event {eventId} cannot be replayed: {WebhookEvent.MissingBodyNote(stored.Body, stored.StatusCode, stored.Status)}");
        if (ConfirmationNeeded(stored) is { } warning && !confirmed)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Replay of a refused request needs confirmation",
                $"{warning} To replay it anyway, confirm (POST /api/v1/webhook-events/{eventId}/replay?confirm=true).");
        }
        if (!request.TryReadBody(out var body, out var malformed))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Body cannot be read", $"Webhook event {eventId} cannot be replayed: {malformed}");
        }
        IReadOnlyList<StartedRun> runs;
        if (stored.WorkflowId is { } workflowId)
        {
            var input = Marked(request.TriggerInput(body), eventId);
            var started = await launcher.StartAsync(workflowId, new RunRequest(TriggerTypes.Webhook, input), actor, ct);
            runs = [new StartedRun(started.Id, workflowId, started.Status.ToString())];
        }
        else if (stored.InboxSource is { } source)
        {
            var eventType = stored.EventType ?? await EventTypeNowAsync(source, request, body, ct);
            runs = await inbox.StartMatchingAsync(source, eventType, Marked(InboxRouter.Input(request, body, source, eventType), eventId), actor, ct);
        }
        else
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Nothing to replay", $"Webhook event {eventId} names neither a workflow nor an inbox source.");
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var tracked = await db.WebhookEvents.SingleAsync(e => e.Id == eventId, ct);
            tracked.ReplayExecutionIds = [.. tracked.ReplayExecutionIds, .. runs.Select(r => r.ExecutionId)];
            audit.Record(db, actor, "webhook-event.replay", $"webhook-event:{eventId}", new
            {
                executions = runs.Select(r => r.ExecutionId),
                confirmedRefusal = stored.Status == WebhookEventStatuses.Refused ? stored.Reason : null,
            });
            await db.SaveChangesAsync(ct);
        }
        return new WebhookReplayResult(eventId, runs);
    }

    private static JsonObject Marked(JsonObject input, Guid eventId)
    {
        input[ReplayField] = new JsonObject { [EventIdField] = eventId.ToString() };
        return input;
    }

    /// <summary>A refused inbox request was stored before its event type was read: read it now, by the source's current settings.</summary>
    private async Task<string> EventTypeNowAsync(string sourceName, WebhookRequest request, JsonNode? body, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var source = await db.InboxSources.AsNoTracking().SingleOrDefaultAsync(s => s.Name == sourceName, ct)
            ?? throw new DeskProblemException(ProblemKind.Conflict, "Inbox source gone", $"The inbox source '{sourceName}' no longer exists.");
        return InboxRouter.EventTypeOf(source, request, body);
    }
}
