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
/// came; an inbox event starts the workflows whose rules match it now. The signature and idempotency key are not
/// checked again: the person is the authority, and the replay is audited.
/// </summary>
public sealed class WebhookReplay(IDbContextFactory<DeskDbContext> dbFactory, ExecutionLauncher launcher, InboxRouter inbox, AuditTrail audit)
{
    public async Task<WebhookReplayResult> ReplayAsync(Guid eventId, Actor actor, CancellationToken ct)
    {
        WebhookEvent stored;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            stored = await db.WebhookEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == eventId, ct)
                ?? throw new DeskProblemException(ProblemKind.NotFound, "Webhook event not found", $"There is no webhook event {eventId}.");
        }
        var request = WebhookRequest.FromEvent(stored)
            ?? throw new DeskProblemException(ProblemKind.Conflict, "Body not stored",
                $"Webhook event {eventId} cannot be replayed: its body was over the limit and was not stored.");
        if (!request.TryReadBody(out var body, out var malformed))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Body cannot be read", $"Webhook event {eventId} cannot be replayed: {malformed}");
        }
        IReadOnlyList<StartedRun> runs;
        if (stored.WorkflowId is { } workflowId)
        {
            var started = await launcher.StartAsync(workflowId, new RunRequest(TriggerTypes.Webhook, request.TriggerInput(body)), actor, ct);
            runs = [new StartedRun(started.Id, workflowId, started.Status.ToString())];
        }
        else if (stored.InboxSource is { } source)
        {
            var eventType = stored.EventType ?? await EventTypeNowAsync(source, request, body, ct);
            runs = await inbox.StartMatchingAsync(source, eventType, InboxRouter.Input(request, body, source, eventType), actor, ct);
        }
        else
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Nothing to replay", $"Webhook event {eventId} names neither a workflow nor an inbox source.");
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            audit.Record(db, actor, "webhook-event.replay", $"webhook-event:{eventId}", new { executions = runs.Select(r => r.ExecutionId) });
            await db.SaveChangesAsync(ct);
        }
        return new WebhookReplayResult(eventId, runs);
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
