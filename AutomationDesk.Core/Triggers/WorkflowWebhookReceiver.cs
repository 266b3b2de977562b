using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// The answer to one webhook request. <see cref="RespondWithin"/> is set when the workflow answers once the run has
/// finished (<c>respond: completed</c>): the host waits that long before answering 202.
/// </summary>
public sealed record WebhookOutcome(int StatusCode, string? Reason, Guid EventId, Guid? ExecutionId = null, bool Duplicate = false, TimeSpan? RespondWithin = null)
{
    public bool Refused => StatusCode >= 400;
}

/// <summary>
/// Takes a request to <c>/api/webhooks/{workflowId}/{token}</c> and decides it: unknown, disabled or not a webhook
/// (404), wrong token (401), body over the limit (413), bad signature (401), malformed JSON (400), a repeated
/// idempotency key (200, or 409 with another body), else a queued run (202). Every request is stored as a
/// <see cref="WebhookEvent"/>, with its body unless it was over the limit or named no enabled webhook; a refused one
/// never starts a run.
/// </summary>
public sealed class WorkflowWebhookReceiver(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, WebhookSignatures signatures, ExecutionLauncher launcher,
    IdempotentStarter idempotent, WebhookEventFeed feed, SecretStore secrets, TimeProvider time)
{
    public const long DefaultMaxBodyBytes = 1024 * 1024;
    public static readonly TimeSpan DefaultRespondTimeout = TimeSpan.FromSeconds(30);
    public const string Completed = "completed";

    public static Actor Sender(Guid workflowId) => new(ActorKind.Webhook, $"webhook:{workflowId}");

    /// <summary>The body limit of the workflow's webhook, so the host reads no more than that.</summary>
    public async Task<long> BodyLimitAsync(Guid workflowId, CancellationToken ct) =>
        (await FindAsync(workflowId, ct))?.Settings.MaxBodyBytes ?? DefaultMaxBodyBytes;

    /// <param name="bodyBytes">The body's length as read; more than the limit when reading stopped there (then the request's body is empty).</param>
    public async Task<WebhookOutcome> ReceiveAsync(Guid workflowId, string token, WebhookRequest request, long bodyBytes, CancellationToken ct)
    {
        var target = await FindAsync(workflowId, ct);
        var limit = target?.Settings.MaxBodyBytes ?? DefaultMaxBodyBytes;
        // A request to no enabled webhook keeps no body: there is nobody to replay it to, and anyone can send one.
        // A refused request to a real webhook (wrong token, bad signature) keeps it, within that webhook's limit,
        // so a person can read it and replay it once they have confirmed why it was refused.
        var stored = request.ToEvent(time.GetUtcNow(), keepBody: target is not null && bodyBytes <= limit, bodyBytes);
        stored.MaskSecrets(await secrets.EveryMaskerAsync(ct));
        stored.WorkflowId = workflowId;
        if (target is null)
        {
            stored.KeepOnlyTheOutline();
            return await RefuseAsync(stored, 404, $"There is no enabled webhook workflow {workflowId}.", ct);
        }
        if (!WebhookTokens.Matches(target.Token, token))
        {
            return await RefuseAsync(stored, 401, "The token in the URL is not this workflow's webhook token.", ct);
        }
        if (bodyBytes > limit)
        {
            return await RefuseAsync(stored, 413, $"The body is over this webhook's limit of {limit} bytes.", ct);
        }
        if (target.Settings.Signature is { } signature
            && await signatures.VerifyAsync(signature, request.Headers, request.Body, ct) is { Valid: false } verdict)
        {
            return await RefuseAsync(stored, 401, verdict.Reason!, ct);
        }
        if (!request.TryReadBody(out var body, out var malformed))
        {
            return await RefuseAsync(stored, 400, malformed, ct);
        }
        var key = target.KeySpec is { } spec ? request.IdempotencyKey(spec, body) : null;
        stored.IdempotencyKey = key;
        return await StartAsync(target, stored, key, request, new RunRequest(TriggerTypes.Webhook, request.TriggerInput(body)), ct);
    }

    /// <summary>Records the status finally answered (200 when a <c>completed</c> run ended in time).</summary>
    public async Task RecordAnswerAsync(Guid eventId, int statusCode, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.WebhookEvents.Where(e => e.Id == eventId).ExecuteUpdateAsync(e => e.SetProperty(x => x.StatusCode, statusCode), ct);
        feed.Announce(eventId);
    }

    private async Task<WebhookOutcome> StartAsync(
        Target target, WebhookEvent stored, string? key, WebhookRequest request, RunRequest run, CancellationToken ct)
    {
        var respondWithin = target.Settings.Respond == Completed ? target.Settings.RespondTimeout ?? DefaultRespondTimeout : (TimeSpan?)null;
        stored.StatusCode = 202;
        void WriteEvent(DeskDbContext db, Guid executionId)
        {
            stored.ExecutionIds = [executionId];
            db.WebhookEvents.Add(stored);
        }
        try
        {
            if (key is null)
            {
                var started = await launcher.StartAsync(target.WorkflowId, run, Sender(target.WorkflowId), WriteEvent, ct);
                feed.Announce(stored.Id);
                return new WebhookOutcome(202, null, stored.Id, started.Id, RespondWithin: respondWithin);
            }
            var outcome = await idempotent.StartOnceAsync(target.WorkflowId, key, request.BodyHash, run, Sender(target.WorkflowId), WriteEvent, ct);
            switch (outcome.Outcome)
            {
                case IdempotentOutcome.Started:
                    feed.Announce(stored.Id);
                    return new WebhookOutcome(202, null, stored.Id, outcome.ExecutionId, RespondWithin: respondWithin);
                case IdempotentOutcome.Duplicate:
                    stored.ExecutionIds = [outcome.ExecutionId];
                    await SaveAsync(stored, 200, WebhookEventStatuses.Duplicate, $"Idempotency key '{key}' was already honoured by execution {outcome.ExecutionId}.", ct);
                    return new WebhookOutcome(200, null, stored.Id, outcome.ExecutionId, Duplicate: true);
                default:
                    stored.ExecutionIds = []; // a refused request started nothing
                    var reason = $"Idempotency key '{key}' was already used with another body (execution {outcome.ExecutionId}).";
                    return await RefuseAsync(stored, 409, reason, ct);
            }
        }
        catch (DeskProblemException e) when (e.Kind is ProblemKind.NotFound or ProblemKind.Conflict)
        {
            // Deleted or disabled between the look-up and the start.
            stored.ExecutionIds = [];
            return await RefuseAsync(stored, 404, e.Message, ct);
        }
    }

    private async Task<WebhookOutcome> RefuseAsync(WebhookEvent stored, int statusCode, string reason, CancellationToken ct)
    {
        await SaveAsync(stored, statusCode, WebhookEventStatuses.Refused, reason, ct);
        return new WebhookOutcome(statusCode, reason, stored.Id);
    }

    private async Task SaveAsync(WebhookEvent stored, int statusCode, string status, string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var note = status == WebhookEventStatuses.Refused ? await RefusedBodyBudget.ApplyAsync(db, stored, ct) : null;
        stored.StatusCode = statusCode;
        stored.Status = status;
        var text = reason + note;
        stored.Reason = text.Length <= 1000 ? text : text[..1000];
        db.WebhookEvents.Add(stored);
        await db.SaveChangesAsync(ct);
        feed.Announce(stored.Id);
    }

    private async Task<Target?> FindAsync(Guid workflowId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Workflows.AsNoTracking()
            .Where(w => w.Id == workflowId && w.Enabled && w.TriggerType == TriggerTypes.Webhook)
            .Select(w => new { w.Id, w.Version, w.DefinitionJson, w.WebhookToken })
            .SingleOrDefaultAsync(ct);
        if (workflow is null)
        {
            return null;
        }
        var settings = cache.GetOrCompile(workflow.Id, workflow.Version, workflow.DefinitionJson).Definition.Trigger.Webhook ?? new WebhookTrigger();
        var keySpec = settings.IdempotencyKey
            ?? (settings.Signature?.Scheme == WebhookSignatures.StandardWebhooks ? "header:" + WebhookSignatures.StandardIdHeader : null);
        return new Target(workflow.Id, workflow.WebhookToken, settings, keySpec);
    }

    private sealed record Target(Guid WorkflowId, string? Token, WebhookTrigger Settings, string? KeySpec);
}
