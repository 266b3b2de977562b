using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Preflight;

/// <summary>
/// Checks a workflow (saved, or a draft) against a sample input without running it: the definition's own validation,
/// every template (<see cref="PreflightTemplates"/>), secrets, connections and their tests (<see cref="PreflightConnections"/>),
/// the targets of <c>workflow.run</c>, <c>foreach</c>, event triggers and the error workflow, <c>foreach</c> lists,
/// a webhook's signing secret, and timeouts that cannot both hold. Each finding says what to do; the plan says what
/// each step would do (<see cref="PreflightSteps"/>). Nothing is written but the tested connections' health.
/// </summary>
public sealed partial class WorkflowPreflight(
    IDbContextFactory<DeskDbContext> dbFactory, WorkflowDefinitionReader reader, StepRegistry registry, SecretStore secrets, DeskSettings settings,
    PreflightConnections connections, TimeProvider time)
{
    /// <summary>The prefix of the desk's global variables among the settings (<c>vars.region</c>).</summary>
    public const string VarsPrefix = "vars.";

    [System.Text.RegularExpressions.GeneratedRegex(@"^steps\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex StepIndexPattern();

    /// <summary>A saved workflow's current version; null when there is no such workflow. No input: its last test run's sample, else <c>{}</c>.</summary>
    public async Task<PreflightReport?> CheckWorkflowAsync(Guid workflowId, JsonObject? input, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = await db.Workflows.AsNoTracking().Where(w => w.Id == workflowId).Select(w => w.DefinitionJson).SingleOrDefaultAsync(ct);
        if (json is null)
        {
            return null;
        }
        input ??= await LastSampleAsync(db, workflowId, ct);
        return await CheckAsync(json, workflowId, input, ct);
    }

    /// <summary>A draft, perhaps of a saved workflow (<paramref name="workflowId"/>) and perhaps not valid yet.</summary>
    public Task<PreflightReport> CheckDraftAsync(JsonObject definition, Guid? workflowId, JsonObject input, CancellationToken ct) =>
        CheckAsync(definition.ToJsonString(), workflowId ?? Guid.Empty, input, ct);

    /// <summary>The trigger body of the workflow's latest test run (the editor's sample), else <c>{}</c>.</summary>
    private static async Task<JsonObject> LastSampleAsync(DeskDbContext db, Guid workflowId, CancellationToken ct)
    {
        var trigger = await db.Executions.AsNoTracking()
            .Where(e => e.WorkflowId == workflowId && e.TriggerKind == ExecutionLauncher.TestTriggerKind)
            .OrderByDescending(e => e.CreatedAt).Select(e => e.TriggerInputJson).FirstOrDefaultAsync(ct);
        return trigger is not null && JsonNode.Parse(trigger)?["body"] is JsonObject body ? (JsonObject)body.DeepClone() : [];
    }

    private async Task<PreflightReport> CheckAsync(string definitionJson, Guid workflowId, JsonObject input, CancellationToken ct)
    {
        var findings = new List<PreflightFinding>();
        WorkflowDefinition definition;
        try
        {
            definition = reader.Read(definitionJson);
        }
        catch (WorkflowValidationException e)
        {
            var readable = Lenient(definitionJson);
            findings.AddRange(e.Errors.SelectMany(error => error.Value.Select(message => Invalid(error.Key, message, readable))));
            if (readable is null)
            {
                return PreflightReport.Of(findings, []);
            }
            definition = readable;
        }
        var secretNames = (await secrets.ListAsync(ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var globalVars = (await settings.AllAsync(ct)).Where(s => s.Key.StartsWith(VarsPrefix, StringComparison.Ordinal))
            .ToDictionary(s => s.Key[VarsPrefix.Length..], s => s.Value, StringComparer.Ordinal);
        var scope = PreflightScope.Build(definition, workflowId, input, globalVars, secretNames, time.GetUtcNow());
        var plan = PreflightSteps.Plan(definition, registry, scope, findings);
        findings.AddRange(PreflightTemplates.Check(definition.Settings?.Output, "settings.output", null, scope, []));
        CheckSigningSecret(definition, secretNames, findings);
        CheckForeachLists(definition, plan, findings);
        CheckTimeouts(definition, findings);
        await CheckTargetsAsync(definition, plan, findings, ct);
        findings.AddRange(await connections.CheckAsync(definition, registry, plan, ct));
        return PreflightReport.Of(findings, plan);
    }

    private static WorkflowDefinition? Lenient(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<WorkflowDefinition>(json, DeskJson.Lenient);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A validation error as a finding, with the step its path names and an action for the common ones.</summary>
    private static PreflightFinding Invalid(string field, string message, WorkflowDefinition? readable)
    {
        var stepId = StepIndexPattern().Match(field) is { Success: true } match && int.TryParse(match.Groups[1].Value, out var index)
            && readable?.Steps.ElementAtOrDefault(index) is { } step ? step.Id : null;
        var action = field switch
        {
            "trigger.schedule.cron" => "Write a five-field cron expression, for example `0 9 * * 1-5` (09:00 on weekdays).",
            "trigger.schedule.timezone" => "Use an IANA time zone name such as `Europe/Berlin` or `UTC`.",
            "trigger.webhook.signature.secret" => "Set the signing secret the sender signs with, or `${secrets.name}` to read it from Admin › Secrets.",
            _ => $"Correct `{field}` in the editor: {message}",
        };
        return new PreflightFinding(PreflightSeverity.Error, stepId, field, message, action);
    }

    private static void CheckSigningSecret(WorkflowDefinition definition, IReadOnlySet<string> secretNames, List<PreflightFinding> findings)
    {
        if (definition.Trigger.Webhook?.Signature is not { Secret: { Length: > 0 } secret } || !SigningSecrets.IsReference(secret))
        {
            return;
        }
        var name = secret.Trim()[2..^1].Trim()["secrets.".Length..];
        if (!secretNames.Contains(name))
        {
            findings.Add(new PreflightFinding(PreflightSeverity.Error, null, "trigger.webhook.signature.secret",
                $"The webhook's signing secret reads the secret `{name}`, which does not exist: every signed request would be refused.",
                $"Create the secret `{name}` in Admin › Secrets with the sender's signing secret."));
        }
    }

    private static void CheckForeachLists(WorkflowDefinition definition, IReadOnlyList<PreflightPlanStep> plan, List<PreflightFinding> findings)
    {
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (step.Type != ForeachStep.TypeName || step.Config["items"] is not { } written)
            {
                continue;
            }
            var items = (plan[i].Input as JsonObject)?["items"];
            var unknownYet = items.TextOrNull() is { } text && (text.Contains('⟨', StringComparison.Ordinal) || text.Contains("${", StringComparison.Ordinal));
            if (items is JsonArray || unknownYet || findings.Any(f => f.Field?.StartsWith($"steps[{i}].config.items", StringComparison.Ordinal) == true))
            {
                continue;
            }
            findings.Add(new PreflightFinding(PreflightSeverity.Error, step.Id, $"steps[{i}].config.items",
                $"`items` ({written.ToJsonString()}) is {Kind(items)} with the sample input, not a list: a foreach needs a list.",
                "Point `items` at a list, for example `${trigger.body.orders}` or `${steps.fetch.output.body.items}`, or fix the sample input."));
        }
    }

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "text",
            JsonValueKind.Number => "a number",
            _ => "true or false",
        },
        _ => "not a list",
    };

    private void CheckTimeouts(WorkflowDefinition definition, List<PreflightFinding> findings)
    {
        if (definition.Settings?.Timeout is not { } runLimit)
        {
            return;
        }
        if (definition.Settings.ExpectedDuration is { } expected && expected > runLimit)
        {
            findings.Add(new PreflightFinding(PreflightSeverity.Warning, null, "settings.expectedDuration",
                $"The expected duration ({expected:c}) is longer than the run's timeout ({runLimit:c}): a run that takes as long as expected is stopped.",
                "Lower settings.expectedDuration, or raise settings.timeout."));
        }
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (step.Timeout is { } stepLimit && stepLimit > runLimit)
            {
                findings.Add(new PreflightFinding(PreflightSeverity.Warning, step.Id, $"steps[{i}].timeout",
                    $"Step `{step.Id}` may take {stepLimit:c}, longer than the whole run may ({runLimit:c}): the run's timeout ends it first.",
                    "Lower the step's timeout below the run's, or raise settings.timeout."));
            }
            if (registry.Find(step.Type)?.ConfigType == typeof(DelayConfig)
                && step.Config["duration"] is { } duration && Duration(duration) is { } wait && wait >= runLimit)
            {
                findings.Add(new PreflightFinding(PreflightSeverity.Error, step.Id, $"steps[{i}].config.duration",
                    $"Step `{step.Id}` waits {wait:c}, as long as or longer than the whole run may take ({runLimit:c}): every run would time out in it.",
                    "Shorten the delay, or raise settings.timeout above it."));
            }
        }
    }

    private static TimeSpan? Duration(JsonNode node)
    {
        try
        {
            return node.Deserialize<TimeSpan?>(DeskJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Workflows the definition starts or listens to must exist; those it starts must be enabled.</summary>
    private async Task CheckTargetsAsync(WorkflowDefinition definition, IReadOnlyList<PreflightPlanStep> plan, List<PreflightFinding> findings, CancellationToken ct)
    {
        var targets = new List<(Guid? Id, string Written, string? StepId, string Field, bool MustBeEnabled)>();
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (step.Type is WorkflowRunStep.TypeName or ForeachStep.TypeName && (plan[i].Input as JsonObject)?["workflowId"].TextOrNull() is { } written
                && !written.Contains('⟨', StringComparison.Ordinal) && !written.Contains("${", StringComparison.Ordinal))
            {
                targets.Add((Guid.TryParse(written, out var id) ? id : null, written, step.Id, $"steps[{i}].config.workflowId", true));
            }
        }
        if (definition.Trigger.Event is { } listened && listened.WorkflowId != Guid.Empty)
        {
            targets.Add((listened.WorkflowId, listened.WorkflowId.ToString(), null, "trigger.event.workflowId", false));
        }
        if (definition.Settings?.OnFailure is { } onFailure && onFailure.WorkflowId != Guid.Empty)
        {
            targets.Add((onFailure.WorkflowId, onFailure.WorkflowId.ToString(), null, "settings.onFailure.workflowId", true));
        }
        if (targets.Count == 0)
        {
            return;
        }
        var ids = targets.Where(t => t.Id is not null).Select(t => t.Id!.Value).Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.Workflows.AsNoTracking().Where(w => ids.Contains(w.Id))
            .Select(w => new { w.Id, w.Name, w.Enabled }).ToDictionaryAsync(w => w.Id, ct);
        foreach (var (id, written, stepId, field, mustBeEnabled) in targets)
        {
            if (id is null || !found.TryGetValue(id.Value, out var workflow))
            {
                findings.Add(new PreflightFinding(PreflightSeverity.Error, stepId, field, $"There is no workflow `{written}`.",
                    "Choose an existing workflow in this field (the Workflows page lists them), or create it first."));
            }
            else if (mustBeEnabled && !workflow.Enabled)
            {
                findings.Add(new PreflightFinding(PreflightSeverity.Error, stepId, field, $"The workflow `{workflow.Name}` is disabled, so it would not start.",
                    $"Enable `{workflow.Name}` on the Workflows page, or choose another workflow."));
            }
        }
    }
}
