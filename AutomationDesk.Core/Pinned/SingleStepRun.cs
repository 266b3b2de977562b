using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Pinned;

/// <summary>
/// "Execute this step": runs one step of a workflow (saved, or the editor's unsaved draft) for real, against the pinned
/// outputs of the steps upstream of it, and pins what it returns. It takes the run's own path: the same template scope
/// (<see cref="RunScope"/> over an execution held in memory whose upstream steps carry the pinned outputs), the same
/// secrets and connection masking, the step's timeout, and the step type itself (so the network guard, retries inside
/// the step and connection credentials all apply). No execution row is written: one step is a try-out, not a run, so it
/// does not count in the run lists, analytics or retention. Step types that only make sense inside a run are refused
/// up front (<see cref="WhyNotAlone"/>).
/// </summary>
public sealed class SingleStepRun(
    IDbContextFactory<DeskDbContext> dbFactory, StepRegistry registry, SecretStore secrets, ConnectionStore connections, DeskSettings settings,
    PinnedOutputs pinned, TimeProvider time, IOptions<EngineOptions> options)
{
    /// <summary>
    /// Why a step of this type cannot run on its own, in a person's words; null when it can. Delays and approvals wait
    /// durably for a time or a person, foreach and workflow.run start child runs and wait for them, stop ends a run,
    /// and a ComfyUI prompt keeps the images it makes as files of its run.
    /// </summary>
    public static string? WhyNotAlone(StepDescriptor descriptor) => descriptor switch
    {
        { ConfigType: var t } when t == typeof(DelayConfig) => "A delay waits inside a run: use Test run to try it.",
        { Name: ApprovalStep.TypeName } => "An approval waits for a person inside a run: use Test run to try it.",
        { Name: StopStep.TypeName } => "A stop step ends a run, so there is nothing to run on its own: use Test run to try it.",
        { IsResumable: true } or { PerItemField: not null } => "This step starts other runs and waits for them: use Test run to try it.",
        { ConfigType: var t } when t == typeof(ComfyUiPromptConfig) => "A ComfyUI prompt keeps the images it makes as files of its run: use Test run to try it.",
        _ => null,
    };

    /// <summary>
    /// Runs the step and pins its output when it succeeds. <paramref name="draft"/> is the definition to use (else the
    /// saved one); <paramref name="input"/> is the trigger's body (else the pinned trigger). Null when there is no such
    /// workflow; an unknown step is not found, a step that cannot run alone is refused (a conflict).
    /// </summary>
    public async Task<SingleStepResult?> RunAsync(Guid workflowId, string stepId, JsonObject? draft, JsonObject? input, Actor actor, CancellationToken ct)
    {
        string definitionJson;
        int version;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var saved = await db.Workflows.AsNoTracking().Where(w => w.Id == workflowId).Select(w => new { w.DefinitionJson, w.Version }).SingleOrDefaultAsync(ct);
            if (saved is null)
            {
                return null;
            }
            definitionJson = draft?.ToJsonString() ?? saved.DefinitionJson;
            version = draft is null ? saved.Version : 0;
        }
        var compiled = Compile(definitionJson);
        var definition = compiled.Definition;
        var step = definition.Steps.FirstOrDefault(s => s.Id == stepId)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Step not found", $"The workflow has no step '{stepId}'.");
        var descriptor = registry.Find(step.Type)
            ?? throw DeskProblemException.InvalidField("type", $"Step type '{step.Type}' is not known to this desk.");
        if (WhyNotAlone(descriptor) is { } refusal)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "This step needs a whole run", refusal);
        }

        var stored = await pinned.StoredAsync(workflowId, ct);
        var triggerJson = input is null ? stored.GetValueOrDefault(PinnedOutputs.TriggerKey) ?? """{"body":{}}""" : StoredJson.Write(new JsonObject { ["body"] = input.DeepClone() })!;
        if (WorkflowGraph.FindCycle(definition.Steps, compiled.Dependencies) is { } cycle)
        {
            throw DeskProblemException.InvalidField("steps", $"The steps wait for each other in a circle ({string.Join(" → ", cycle)}): fix dependsOn first.");
        }
        var upstream = WorkflowGraph.Upstream(definition.Steps, compiled.Dependencies).GetValueOrDefault(stepId) ?? new HashSet<string>();
        var now = time.GetUtcNow();
        var execution = new Execution.Execution
        {
            Id = Guid.CreateVersion7(now), WorkflowId = workflowId, WorkflowName = definition.Name, WorkflowVersion = version,
            TriggerKind = ExecutionLauncher.TestTriggerKind, TriggerInputJson = triggerJson, StartedAt = now, CreatedAt = now,
            Steps = upstream.Where(stored.ContainsKey)
                .Select(id => new StepRun { StepId = id, Status = StepStatus.Succeeded, OutputJson = stored[id] }).ToList(),
        };
        execution.CorrelationId = execution.Id.ToString("N");
        var revealed = await secrets.RevealAsync(compiled.SecretNames.ToList(), ct);
        var masker = new SecretMasker(revealed.Values.Concat(await connections.SecretValuesAsync(await ConnectionsOfAsync(compiled, descriptor, step, ct), ct)));
        var scope = new RunScope(execution, compiled, revealed, time, await settings.VarsAsync(ct));
        var missing = upstream.Where(id => !stored.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();

        var started = time.GetTimestamp();
        var outcome = await ExecuteAsync(step, descriptor, scope, execution, masker, missing, ct);
        var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var outputJson = outcome.Failed is null ? StoredJson.Write(masker.Apply(outcome.Output)) ?? "null" : null;
        var pinnedNow = await pinned.RecordStepAsync(workflowId, stepId, outputJson, input is null ? null : triggerJson, actor, outcome.Failed, ct);
        return new SingleStepResult(stepId, outcome.Failed is null ? StepStatus.Succeeded : StepStatus.Failed, StoredJson.Parse(outputJson),
            masker.Apply(outcome.Failed), elapsed, outcome.Input, outcome.Logs.Select(l => masker.Apply(l.Message)!).ToList(), pinnedNow);
    }

    private static CompiledWorkflow Compile(string definitionJson)
    {
        try
        {
            return CompiledWorkflow.Compile(definitionJson);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw DeskProblemException.InvalidField("definition", $"Not a workflow definition: {e.Message}");
        }
        catch (Exception e) when (e is TemplateException or ArgumentException)
        {
            // A half-typed template (${}) or two steps with one id: the draft is being edited and cannot run yet.
            throw DeskProblemException.InvalidField("definition", $"The draft cannot run yet: {e.Message} Fix the problems the editor lists first.");
        }
    }

    private sealed record Outcome(JsonNode? Output, string? Failed, JsonNode? Input, IReadOnlyCollection<StepLogEntry> Logs);

    private async Task<Outcome> ExecuteAsync(
        StepDefinition step, StepDescriptor descriptor, RunScope scope, Execution.Execution execution, SecretMasker masker, IReadOnlyList<string> missing,
        CancellationToken ct)
    {
        JsonObject resolved;
        try
        {
            resolved = descriptor.ResolveConfig(step.Config, scope.Current());
        }
        catch (TemplateException e)
        {
            var hint = missing.Count == 0 ? "" : $" No output is pinned for {string.Join(", ", missing.Select(m => $"'{m}'"))}: pin a run's data or execute {(missing.Count == 1 ? "that step" : "those steps")} first.";
            return new Outcome(null, e.Message + hint, null, []);
        }
        var timeout = step.Timeout ?? descriptor.DefaultTimeout ?? options.Value.DefaultStepTimeout;
        var context = new StepContext(execution.Id, execution.WorkflowId, step.Id, 1)
        {
            Masker = masker, Timeout = timeout, CorrelationId = execution.CorrelationId, TemplateScope = (JsonObject)scope.Current().DeepClone(),
        };
        var input = masker.Apply(resolved);
        using var deadline = new CancellationTokenSource(Timers.Bounded(timeout), time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var result = await descriptor.ExecuteAsync(resolved, context, attempt.Token);
            return result.WaitUntil is not null || result.AwaitsDecision || result.AwaitsChildren || result.Stop is not null
                ? new Outcome(null, "This step waits or ends its run, which only a whole run can do: use Test run to try it.", input, context.DrainLogs())
                : new Outcome(result.Output, null, input, context.DrainLogs());
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new Outcome(null, $"Timed out after {timeout:c}.", input, context.DrainLogs());
        }
        catch (StepFailedException e)
        {
            return new Outcome(null, e.Human, input, context.DrainLogs());
        }
        catch (StepConfigException e)
        {
            return new Outcome(null, $"Its settings are not valid: {e.Message}", input, context.DrainLogs());
        }
#pragma warning disable CA1031 // As in a run: a step's failure of any kind is its answer, in words, not a server error.
        catch (Exception e) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return new Outcome(null, $"It stopped on an unexpected error: {e.Message}", input, context.DrainLogs());
        }
    }

    /// <summary>The connections whose secrets are masked: those the definition names, and this step type's default when it names none.</summary>
    private async Task<IReadOnlyCollection<string>> ConnectionsOfAsync(CompiledWorkflow compiled, StepDescriptor descriptor, StepDefinition step, CancellationToken ct)
    {
        var names = new HashSet<string>(compiled.ConnectionNames, StringComparer.Ordinal);
        if (step.Config[ConnectionNames.Field] is null && descriptor.DefaultConnectionSetting is { } key && await settings.TextAsync(key, ct) is { } name)
        {
            names.Add(name);
        }
        return names;
    }
}

/// <summary>
/// What one executed step did: its status, output (masked, as a run stores it) or error in a person's words, how long it
/// took, the config it ran with (resolved and masked), its log lines, and whether the output is now pinned.
/// </summary>
public sealed record SingleStepResult(
    string StepId, StepStatus Status, JsonNode? Output, string? ErrorHuman, long DurationMs, JsonNode? Input, IReadOnlyList<string> Logs, bool Pinned);
