using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Triggers;

/// <summary>A run a webhook request started.</summary>
public sealed record StartedRun(Guid ExecutionId, Guid WorkflowId, string Status);

/// <summary>
/// The answer to an inbox request: refused (with the reason), a repeated delivery (<see cref="DuplicateOf"/> names the
/// event of the first one; nothing started), or stored with the runs its rules started.
/// </summary>
public sealed record InboxOutcome(int StatusCode, string? Reason, Guid EventId, IReadOnlyList<StartedRun> Runs, Guid? DuplicateOf = null);

/// <summary>
/// The generic receiver <c>/api/webhooks/inbox/{source}</c>: checks the source's signature, reads the event type,
/// stores the event, and starts every enabled workflow whose enabled rule matches (source, event type or <c>*</c>,
/// and its condition over <c>trigger.*</c>). A delivery whose id (the source's dedup header or body path) was already
/// received within <see cref="DeliveryWindow"/> is stored as a duplicate and starts nothing.
/// </summary>
public sealed partial class InboxRouter(
    IDbContextFactory<DeskDbContext> dbFactory, WebhookSignatures signatures, ExecutionLauncher launcher, WebhookEventFeed feed, SecretStore secrets,
    TimeProvider time,
    ILogger<InboxRouter> logger)
{
    public const long MaxBodyBytes = 1024 * 1024;
    public const string GitHubPreset = "github";
    public const string GitHubEventHeader = "X-GitHub-Event";
    public const string CustomEventType = "custom";
    public const string AnyEventType = "*";
    public const string Unsigned = "none";

    /// <summary>How long a delivery id is remembered: a repeat within it starts nothing.</summary>
    public static readonly TimeSpan DeliveryWindow = TimeSpan.FromHours(24);

    public static Actor Sender(string source) => new(ActorKind.Webhook, $"inbox:{source}");

    /// <param name="bodyBytes">The body's length as read; more than <see cref="MaxBodyBytes"/> when reading stopped there.</param>
    public async Task<InboxOutcome> ReceiveAsync(string sourceName, WebhookRequest request, long bodyBytes, CancellationToken ct)
    {
        var stored = request.ToEvent(time.GetUtcNow(), keepBody: bodyBytes <= MaxBodyBytes, bodyBytes);
        stored.MaskSecrets(await secrets.EveryMaskerAsync(ct));
        stored.InboxSource = sourceName.Length <= 100 ? sourceName : sourceName[..100];
        InboxSource? source;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            source = await db.InboxSources.AsNoTracking().SingleOrDefaultAsync(s => s.Name == sourceName && s.Enabled, ct);
        }
        if (source is null)
        {
            // Nobody to replay it to, and anyone can send one: only its outline is kept.
            stored.KeepOnlyTheOutline();
            return await RefuseAsync(stored, 404, $"There is no enabled inbox source '{sourceName}'.", ct);
        }
        if (bodyBytes > MaxBodyBytes)
        {
            return await RefuseAsync(stored, 413, $"The body is over the inbox limit of {MaxBodyBytes} bytes.", ct);
        }
        if (SignatureOf(source) is { } signature && await signatures.VerifyAsync(signature, request.Headers, request.Body, ct) is { Valid: false } verdict)
        {
            return await RefuseAsync(stored, 401, verdict.Reason!, ct);
        }
        if (!request.TryReadBody(out var body, out var malformed))
        {
            return await RefuseAsync(stored, 400, malformed, ct);
        }
        var eventType = EventTypeOf(source, request, body);
        stored.EventType = eventType.Length <= 200 ? eventType : eventType[..200];
        stored.StatusCode = 202;
        var deliveryId = DeliveryIdOf(source, request, body);
        stored.IdempotencyKey = deliveryId;
        if (await ClaimDeliveryAsync(source.Name, deliveryId, stored, ct) is { } first)
        {
            stored.StatusCode = 200;
            stored.Status = WebhookEventStatuses.Duplicate;
            stored.Reason = $"Delivery '{deliveryId}' was already received as webhook event {first}: nothing started.";
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                db.WebhookEvents.Add(stored);
                await db.SaveChangesAsync(ct);
            }
            feed.Announce(stored.Id);
            return new InboxOutcome(200, stored.Reason, stored.Id, [], first);
        }
        IReadOnlyList<StartedRun> runs;
        try
        {
            runs = await StartMatchingAsync(source.Name, stored.EventType, Input(request, body, source.Name, stored.EventType), Sender(source.Name), ct);
        }
        catch (Exception) when (deliveryId is not null)
        {
            // Nothing may have started: the sender's retry of this delivery must not be taken for a repeat.
            await ForgetDeliveryAsync(source.Name, deliveryId);
            throw;
        }
        await RecordRunsAsync(stored.Id, runs, ct);
        feed.Announce(stored.Id);
        return new InboxOutcome(202, null, stored.Id, runs);
    }

    /// <summary>The trigger input of an inbox run: the request, plus the source and event type it was routed by.</summary>
    public static JsonObject Input(WebhookRequest request, JsonNode? body, string source, string eventType)
    {
        var input = request.TriggerInput(body);
        input["source"] = source;
        input["eventType"] = eventType;
        return input;
    }

    /// <summary>Starts each enabled workflow with an enabled rule that matches now; a workflow matched by two rules runs once.</summary>
    public async Task<IReadOnlyList<StartedRun>> StartMatchingAsync(string source, string eventType, JsonObject input, Actor actor, CancellationToken ct)
    {
        List<InboxRule> rules;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            rules = await db.InboxRules.AsNoTracking()
                .Where(r => r.Enabled && r.Source == source && (r.EventType == eventType || r.EventType == AnyEventType))
                .Where(r => db.Workflows.Any(w => w.Id == r.WorkflowId && w.Enabled))
                .OrderBy(r => r.CreatedAt)
                .ToListAsync(ct);
        }
        var scope = new JsonObject { ["trigger"] = input.DeepClone() };
        var runs = new List<StartedRun>();
        foreach (var rule in rules.Where(r => Matches(r, scope)))
        {
            if (runs.Any(r => r.WorkflowId == rule.WorkflowId))
            {
                continue;
            }
            try
            {
                var started = await launcher.StartAsync(rule.WorkflowId, new RunRequest(TriggerTypes.Webhook, (JsonObject)input.DeepClone()), actor, ct);
                runs.Add(new StartedRun(started.Id, rule.WorkflowId, started.Status.ToString()));
            }
            catch (DeskProblemException e) when (e.Kind is ProblemKind.NotFound or ProblemKind.Conflict)
            {
                Log.NotStarted(logger, rule.WorkflowId, e.Message); // disabled or deleted since the rules were read
            }
        }
        return runs;
    }

    private bool Matches(InboxRule rule, JsonObject scope)
    {
        if (string.IsNullOrWhiteSpace(rule.ConditionJson))
        {
            return true;
        }
        try
        {
            return Condition.Evaluate(JsonNode.Parse(rule.ConditionJson), scope);
        }
        catch (Exception e) when (e is TemplateException or JsonException)
        {
            Log.ConditionFailed(logger, rule.Id, e.Message);
            return false;
        }
    }

    /// <summary>The signature the source's preset and settings ask for; null when it takes unsigned requests.</summary>
    public static WebhookSignature? SignatureOf(InboxSource source)
    {
        if (source.SignatureScheme == Unsigned || string.IsNullOrEmpty(source.Secret))
        {
            return null;
        }
        var header = source.SignatureHeader ?? source.SignatureScheme switch
        {
            WebhookSignatures.Stripe => WebhookSignatures.StripeHeader,
            _ when source.Preset == GitHubPreset => WebhookSignatures.GitHubHeader,
            _ => WebhookSignatures.DefaultHmacHeader,
        };
        return new WebhookSignature { Scheme = source.SignatureScheme, Header = header, Secret = source.Secret };
    }

    /// <summary>The event type: the configured header (GitHub's <c>X-GitHub-Event</c> by default), else a JSON path in the body, else <c>custom</c>.</summary>
    public static string EventTypeOf(InboxSource source, WebhookRequest request, JsonNode? body)
    {
        var header = source.EventTypeHeader ?? (source.Preset == GitHubPreset ? GitHubEventHeader : null);
        if (header is not null && request.Header(header) is { Length: > 0 } fromHeader)
        {
            return fromHeader;
        }
        if (!string.IsNullOrWhiteSpace(source.EventTypePath))
        {
            var path = source.EventTypePath.Trim().TrimStart('$').TrimStart('.');
            path = path.StartsWith("body.", StringComparison.Ordinal) ? path : "body." + path;
            try
            {
                if (TemplateResolver.TryLookup(TemplatePath.Parse(path), new JsonObject { ["body"] = body?.DeepClone() }, out var value, out _)
                    && TemplateResolver.AsText(value) is { Length: > 0 } fromBody)
                {
                    return fromBody;
                }
            }
            catch (TemplateException)
            {
                return CustomEventType;
            }
        }
        return CustomEventType;
    }

    /// <summary>
    /// The id of this delivery: the source's dedup header, else its dedup body path, else for Standard Webhooks the
    /// <c>webhook-id</c> header; null when the source names none or the request does not carry it.
    /// </summary>
    public static string? DeliveryIdOf(InboxSource source, WebhookRequest request, JsonNode? body)
    {
        var spec = source.DedupHeader is { Length: > 0 } header ? "header:" + header
            : source.DedupPath is { Length: > 0 } path ? "body." + path
            : source.SignatureScheme == InboxSchemes.StandardWebhooks ? "header:" + WebhookSignatures.StandardIdHeader
            : null;
        try
        {
            return spec is null ? null : request.IdempotencyKey(spec, body);
        }
        catch (TemplateException)
        {
            return null;
        }
    }

    /// <summary>
    /// Stores the event with its delivery id in one commit and answers null; or, when the id was already received within
    /// <see cref="DeliveryWindow"/>, stores nothing and answers the first event's id. The (source, delivery id) key decides
    /// between two deliveries that arrive together: the loser's commit fails and it answers as a repeat.
    /// </summary>
    private async Task ForgetDeliveryAsync(string source, string deliveryId)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.InboxDeliveries.Where(d => d.Source == source && d.DeliveryId == deliveryId).ExecuteDeleteAsync(CancellationToken.None);
    }

    private async Task<Guid?> ClaimDeliveryAsync(string source, string? deliveryId, WebhookEvent stored, CancellationToken ct)
    {
        if (deliveryId is null)
        {
            await using var plain = await dbFactory.CreateDbContextAsync(ct);
            plain.WebhookEvents.Add(stored);
            await plain.SaveChangesAsync(ct);
            return null;
        }
        var now = time.GetUtcNow();
        if (await FirstDeliveryAsync(source, deliveryId, now, ct) is { } first)
        {
            return first;
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Ids past the window no longer count: forget them, so this one may claim its id again.
            var expired = now - DeliveryWindow;
            await db.InboxDeliveries.Where(d => d.Source == source && d.ReceivedAt < expired).ExecuteDeleteAsync(ct);
        }
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.WebhookEvents.Add(stored);
            db.InboxDeliveries.Add(new InboxDelivery { Source = source, DeliveryId = deliveryId, EventId = stored.Id, ReceivedAt = now });
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException)
        {
            // Another delivery with this id committed first; anything else is not ours to handle.
            if (await FirstDeliveryAsync(source, deliveryId, now, ct) is { } earlier)
            {
                return earlier;
            }
            throw;
        }
    }

    private async Task<Guid?> FirstDeliveryAsync(string source, string deliveryId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = now - DeliveryWindow;
        return await db.InboxDeliveries.AsNoTracking()
            .Where(d => d.Source == source && d.DeliveryId == deliveryId && d.ReceivedAt >= since)
            .Select(d => (Guid?)d.EventId)
            .SingleOrDefaultAsync(ct);
    }

    private async Task RecordRunsAsync(Guid eventId, IReadOnlyList<StartedRun> runs, CancellationToken ct)
    {
        if (runs.Count == 0)
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.WebhookEvents.SingleAsync(e => e.Id == eventId, ct);
        stored.ExecutionIds = runs.Select(r => r.ExecutionId).ToList();
        await db.SaveChangesAsync(ct);
    }

    private async Task<InboxOutcome> RefuseAsync(WebhookEvent stored, int statusCode, string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var note = await RefusedBodyBudget.ApplyAsync(db, stored, ct);
        stored.StatusCode = statusCode;
        stored.Status = WebhookEventStatuses.Refused;
        var text = reason + note;
        stored.Reason = text.Length <= 1000 ? text : text[..1000];
        db.WebhookEvents.Add(stored);
        await db.SaveChangesAsync(ct);
        feed.Announce(stored.Id);
        return new InboxOutcome(statusCode, reason, stored.Id, []);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Inbox rule did not start workflow {WorkflowId}: {Reason}")]
        public static partial void NotStarted(ILogger logger, Guid workflowId, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox rule {RuleId} has a condition that cannot be evaluated: {Reason}")]
        public static partial void ConditionFailed(ILogger logger, Guid ruleId, string reason);
    }
}
