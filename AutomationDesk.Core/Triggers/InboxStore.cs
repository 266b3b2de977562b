using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// Inbox sources and their routing rules: what the receiver at <c>/api/webhooks/inbox/{source}</c> reads. Every change
/// is checked before anything is written, each problem named by its field, and commits with its audit row.
/// </summary>
public sealed partial class InboxStore(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, SigningSecrets signing, TimeProvider time)
{
    public const int MaxConditionLength = 4000;

    [GeneratedRegex("^[a-z0-9-]{1,100}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^\$\{secrets\.([^}]+)\}$")]
    private static partial Regex SecretReferencePattern();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")]
    private static partial Regex BodyPathPattern();

    public static string ReceiverPath(string name) => $"/api/webhooks/inbox/{name}";

    public static bool IsSecretReference(string secret) => SecretReferencePattern().IsMatch(secret);

    public async Task<IReadOnlyList<InboxSourceView>> ListSourcesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sources = await db.InboxSources.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
        return sources.Select(InboxSourceView.From).ToList();
    }

    public async Task<InboxSourceView?> GetSourceAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InboxSources.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name, ct) is { } source ? InboxSourceView.From(source) : null;
    }

    public async Task<InboxSourceView> CreateSourceAsync(InboxSourceInput input, Actor actor, CancellationToken ct)
    {
        var name = input.Name?.Trim() ?? "";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var source = new InboxSource { Id = Guid.CreateVersion7(now), Name = name, CreatedAt = now };
        Apply(source, input, isNew: true, signing);
        if (await db.InboxSources.AnyAsync(s => s.Name == name, ct))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Inbox source exists", $"name: there is already an inbox source '{name}'.");
        }
        source.UpdatedAt = now;
        db.InboxSources.Add(source);
        audit.Record(db, actor, "inbox.source.create", Target(name), Details(source));
        await db.SaveChangesAsync(ct);
        return InboxSourceView.From(source);
    }

    /// <summary>Replaces a source's settings. Null when there is no such source. The name cannot change: senders post to it.</summary>
    public async Task<InboxSourceView?> UpdateSourceAsync(string name, InboxSourceInput input, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var source = await db.InboxSources.SingleOrDefaultAsync(s => s.Name == name, ct);
        if (source is null)
        {
            return null;
        }
        if (input.Name is { } renamed && renamed.Trim() != name)
        {
            throw DeskProblemException.InvalidField("name", $"A source's name cannot change (senders post to {ReceiverPath(name)}): create a new source instead.");
        }
        Apply(source, input, isNew: false, signing);
        source.UpdatedAt = time.GetUtcNow();
        audit.Record(db, actor, "inbox.source.update", Target(name), Details(source));
        await db.SaveChangesAsync(ct);
        return InboxSourceView.From(source);
    }

    /// <summary>Deletes a source and its rules; the events it received stay, for history.</summary>
    public async Task<bool> DeleteSourceAsync(string name, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var source = await db.InboxSources.SingleOrDefaultAsync(s => s.Name == name, ct);
        if (source is null)
        {
            return false;
        }
        var rules = await db.InboxRules.Where(r => r.Source == name).ToListAsync(ct);
        db.InboxRules.RemoveRange(rules);
        db.InboxSources.Remove(source);
        audit.Record(db, actor, "inbox.source.delete", Target(name), new { rulesDeleted = rules.Count });
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<InboxRuleView>> ListRulesAsync(string? source, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.InboxRules.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(source))
        {
            query = query.Where(r => r.Source == source);
        }
        var rows = await query
            .OrderBy(r => r.Source).ThenBy(r => r.EventType).ThenBy(r => r.CreatedAt)
            .Select(r => new { Rule = r, WorkflowName = db.Workflows.Where(w => w.Id == r.WorkflowId).Select(w => w.Name).FirstOrDefault() })
            .ToListAsync(ct);
        return rows.Select(r => View(r.Rule, r.WorkflowName)).ToList();
    }

    public async Task<InboxRuleView?> GetRuleAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.InboxRules.AsNoTracking().Where(r => r.Id == id)
            .Select(r => new { Rule = r, WorkflowName = db.Workflows.Where(w => w.Id == r.WorkflowId).Select(w => w.Name).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        return row is null ? null : View(row.Rule, row.WorkflowName);
    }

    public async Task<InboxRuleView> CreateRuleAsync(InboxRuleInput input, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rule = new InboxRule { Id = Guid.CreateVersion7(now), CreatedAt = now };
        var workflowName = await ApplyAsync(db, rule, input, ct);
        db.InboxRules.Add(rule);
        audit.Record(db, actor, "inbox.rule.create", RuleTarget(rule.Id), RuleDetails(rule));
        await db.SaveChangesAsync(ct);
        return View(rule, workflowName);
    }

    /// <summary>Replaces a rule. Null when there is no such rule.</summary>
    public async Task<InboxRuleView?> UpdateRuleAsync(Guid id, InboxRuleInput input, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rule = await db.InboxRules.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return null;
        }
        var workflowName = await ApplyAsync(db, rule, input, ct);
        audit.Record(db, actor, "inbox.rule.update", RuleTarget(id), RuleDetails(rule));
        await db.SaveChangesAsync(ct);
        return View(rule, workflowName);
    }

    public async Task<bool> DeleteRuleAsync(Guid id, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rule = await db.InboxRules.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return false;
        }
        db.InboxRules.Remove(rule);
        audit.Record(db, actor, "inbox.rule.delete", RuleTarget(id), RuleDetails(rule));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Checks the input and copies it onto the source; throws with every problem by field.</summary>
    private static void Apply(InboxSource source, InboxSourceInput input, bool isNew, SigningSecrets signing)
    {
        var errors = new ValidationErrors();
        if (isNew && !NamePattern().IsMatch(source.Name))
        {
            errors.Add("name", $"'{source.Name}' is not a source name: 1 to 100 lower-case letters, digits and -; it becomes the receiver URL {ReceiverPath("name")}.");
        }
        var preset = InboxPreset.Find(input.Preset ?? (isNew ? InboxPreset.Custom.Name : source.Preset));
        if (preset is null)
        {
            errors.Add("preset", $"'{input.Preset}' is not a preset: use one of {string.Join(", ", InboxPreset.All.Select(p => p.Name))}.");
            preset = InboxPreset.Custom;
        }
        var scheme = input.SignatureScheme ?? preset.SignatureScheme;
        if (!InboxSchemes.All.Contains(scheme))
        {
            errors.Add("signatureScheme", $"'{scheme}' is not a signature scheme: use one of {string.Join(", ", InboxSchemes.All)}.");
        }
        // The mask sent back (the page and the API show a set secret as ***) keeps the stored secret.
        var keep = input.Secret is null || input.Secret.Trim() == SecretMasker.Mask;
        var secret = keep ? (isNew ? "" : source.Secret) : input.Secret!.Trim();
        // A kept secret was checked when it was set.
        if (isNew && input.Secret?.Trim() == SecretMasker.Mask)
        {
            errors.Add("secret", "*** stands for a secret a source keeps, and a new source has none: type the secret, or ${secrets.name}.");
        }
        else if (!keep && secret.Length > 500)
        {
            errors.Add("secret", "At most 500 characters.");
        }
        else if (!keep && secret.Contains("${", StringComparison.Ordinal) && !IsSecretReference(secret))
        {
            errors.Add("secret", "Either the secret itself or a reference to a stored secret, written ${secrets.name}.");
        }
        else if (SecretReferencePattern().Match(secret) is { Success: true } reference && !SecretStore.IsValidName(reference.Groups[1].Value))
        {
            errors.Add("secret", $"'{reference.Groups[1].Value}' is not a secret name: letters, digits, _ and -, starting with a letter.");
        }
        if (scheme == InboxSchemes.None && secret.Length > 0)
        {
            errors.Add("secret", "A source with signature scheme 'none' checks no signature: remove the secret or choose a scheme.");
        }
        var signatureHeader = Optional(input.SignatureHeader, preset.SignatureHeader);
        var eventTypeHeader = Optional(input.EventTypeHeader, preset.EventTypeHeader);
        var eventTypePath = Optional(input.EventTypePath, preset.EventTypePath);
        if (signatureHeader is not null && !HeaderPattern().IsMatch(signatureHeader))
        {
            errors.Add("signatureHeader", $"'{signatureHeader}' is not a header name.");
        }
        if (eventTypeHeader is not null && !HeaderPattern().IsMatch(eventTypeHeader))
        {
            errors.Add("eventTypeHeader", $"'{eventTypeHeader}' is not a header name.");
        }
        if (eventTypePath is not null && (eventTypePath.Length > 200 || !BodyPathPattern().IsMatch(eventTypePath)))
        {
            errors.Add("eventTypePath", $"'{eventTypePath}' is not a path into the JSON body: property names joined by dots, such as event or data.type.");
        }
        var dedupHeader = Optional(input.DedupHeader, preset.DedupHeader);
        var dedupPath = Optional(input.DedupPath, null);
        if (dedupHeader is not null && !HeaderPattern().IsMatch(dedupHeader))
        {
            errors.Add("dedupHeader", $"'{dedupHeader}' is not a header name.");
        }
        if (dedupPath is not null && (dedupPath.Length > 200 || !BodyPathPattern().IsMatch(dedupPath)))
        {
            errors.Add("dedupPath", $"'{dedupPath}' is not a path into the JSON body: property names joined by dots, such as id or delivery.id.");
        }
        if (errors.Any)
        {
            throw Invalid("The inbox source is not valid", errors);
        }
        source.Preset = preset.Name;
        source.SignatureScheme = scheme;
        source.Secret = keep ? secret : signing.ForStorage(secret, source.Secret)!;
        source.SignatureHeader = scheme == InboxSchemes.None ? null : signatureHeader;
        source.EventTypeHeader = eventTypeHeader;
        source.EventTypePath = eventTypePath;
        source.DedupHeader = dedupHeader;
        source.DedupPath = dedupPath;
        source.Enabled = input.Enabled ?? (isNew || source.Enabled);
    }

    /// <summary>Checks the input against the sources and workflows that exist and copies it onto the rule; answers the workflow's name.</summary>
    private static async Task<string> ApplyAsync(DeskDbContext db, InboxRule rule, InboxRuleInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var sourceName = input.Source?.Trim() ?? "";
        if (sourceName.Length == 0)
        {
            errors.Add("source", "Required: the name of the inbox source whose events this rule routes.");
        }
        else if (!await db.InboxSources.AnyAsync(s => s.Name == sourceName, ct))
        {
            errors.Add("source", $"There is no inbox source '{sourceName}'.");
        }
        var eventType = string.IsNullOrWhiteSpace(input.EventType) ? "*" : input.EventType.Trim();
        if (eventType.Length > 200)
        {
            errors.Add("eventType", "At most 200 characters; * matches any event type.");
        }
        string? workflowName = null;
        if (input.WorkflowId is not { } workflowId)
        {
            errors.Add("workflowId", "Required: the workflow this rule starts.");
        }
        else if ((workflowName = await db.Workflows.Where(w => w.Id == workflowId).Select(w => w.Name).SingleOrDefaultAsync(ct)) is null)
        {
            errors.Add("workflowId", $"There is no workflow {workflowId}.");
        }
        var condition = ReadCondition(input.Condition, errors);
        if (errors.Any)
        {
            throw Invalid("The inbox rule is not valid", errors);
        }
        rule.Source = sourceName;
        rule.EventType = eventType;
        rule.WorkflowId = input.WorkflowId!.Value;
        rule.ConditionJson = condition?.ToJsonString();
        rule.Enabled = input.Enabled ?? true;
        return workflowName!;
    }

    /// <summary>Parses and checks a condition with the rules of a step's <c>when</c>; its templates read the event as <c>trigger.*</c>.</summary>
    private static JsonNode? ReadCondition(string? text, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (text.Length > MaxConditionLength)
        {
            errors.Add("condition", $"At most {MaxConditionLength} characters.");
            return null;
        }
        JsonNode? condition;
        try
        {
            condition = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            errors.Add("condition", $"Not valid JSON: {e.Message}");
            return null;
        }
        var problems = Condition.Validate(condition, "condition").ToList();
        foreach (var (field, message) in problems)
        {
            errors.Add(field, message);
        }
        if (problems.Count > 0)
        {
            return null;
        }
        try
        {
            foreach (var expression in TemplateResolver.FindExpressions(condition))
            {
                if (expression.Path.Root is not ("trigger" or "webhook"))
                {
                    errors.Add("condition", $"Template '${{{expression.Path.Text}}}' starts with '{expression.Path.Root}': a rule reads the event, as trigger.body, trigger.headers or trigger.query.");
                }
            }
        }
        catch (TemplateException e)
        {
            errors.Add("condition", e.Message);
        }
        return condition;
    }

    /// <summary>Null: the preset's value. Empty: none.</summary>
    private static string? Optional(string? given, string? preset) => given is null ? preset : given.Trim().Length == 0 ? null : given.Trim();

    private static DeskProblemException Invalid(string title, ValidationErrors errors)
    {
        var all = errors.ToDictionary();
        return new DeskProblemException(ProblemKind.Invalid, title, string.Join(" ", all.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), all);
    }

    private static InboxRuleView View(InboxRule rule, string? workflowName) => new(
        rule.Id, rule.Source, rule.EventType, rule.ConditionJson is { } json ? JsonNode.Parse(json) : null, rule.WorkflowId, workflowName, rule.Enabled, rule.CreatedAt);

    private static object Details(InboxSource source) => new
    {
        source.Preset,
        source.SignatureScheme,
        source.EventTypeHeader,
        source.EventTypePath,
        source.DedupHeader,
        source.DedupPath,
        source.Enabled,
        secretSet = source.Secret.Length > 0,
    };

    private static object RuleDetails(InboxRule rule) => new { rule.Source, rule.EventType, rule.WorkflowId, rule.Enabled, condition = rule.ConditionJson };

    private static string Target(string name) => $"inbox-source:{name}";

    private static string RuleTarget(Guid id) => $"inbox-rule:{id}";
}
