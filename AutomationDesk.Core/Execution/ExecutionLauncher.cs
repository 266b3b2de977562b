using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// How a run was started and with what. A <paramref name="Held"/> run is written <c>Queued</c> but not dispatched: it waits
/// behind another run of its workflow until someone dispatches it (a schedule's <c>queue</c> overlap policy).
/// <paramref name="OriginExecutionId"/> is set for a replayed or resumed run only: the first run of its chain of retries.
/// <paramref name="ParentStepId"/> and <paramref name="ItemIndex"/> are set for a sub-workflow's run only (see <see cref="ChildRuns"/>).
/// A <paramref name="DryRun"/> runs with its side-effect steps answering what they would have sent (<see cref="Execution.DryRun"/>).
/// </summary>
public sealed record RunRequest(
    string TriggerKind, JsonObject Input, string? CorrelationId = null, Guid? ParentExecutionId = null, bool Held = false, Guid? OriginExecutionId = null,
    string? ParentStepId = null, int? ItemIndex = null, bool DryRun = false);

/// <summary>
/// Starts runs: the execution row and its pending steps are written <c>Queued</c> in one commit, and only then
/// is the id handed to the dispatcher. If the process dies in between, recovery finds the row.
/// </summary>
public sealed class ExecutionLauncher(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, StepRegistry registry, IExecutionDispatcher dispatcher,
    IDeskEvents events, AuditTrail audit, TimeProvider time, IOptions<EngineOptions> options)
{
    public const string TestTriggerKind = "test";

    /// <summary>
    /// The due time of a held run: no worker claims it (a claim needs a due time that has come), so neither a stray
    /// job nor recovery after a restart can start it before its release clears the mark.
    /// </summary>
    public static readonly DateTimeOffset HeldUntilReleased = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public Task<ExecutionSummary> StartAsync(Guid workflowId, RunRequest request, Actor actor, CancellationToken ct) =>
        StartAsync(workflowId, request, actor, null, ct);

    /// <summary>
    /// Starts a run and writes <paramref name="alongside"/>'s rows (given the new execution's id) in the same commit
    /// as the execution: a webhook's idempotency receipt and request, so either both exist or neither does.
    /// </summary>
    public async Task<ExecutionSummary> StartAsync(Guid workflowId, RunRequest request, Actor actor, Action<DeskDbContext, Guid>? alongside, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await RunnableAsync(db, workflowId, ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Workflow not found", $"There is no workflow {workflowId}.");
        return await EnqueueAsync(db, workflow.Id, workflow.Name, workflow.Version, workflow.Compiled, null, request, actor, alongside, ct);
    }

    /// <summary>The workflow's current definition, compiled.</summary>
    internal async Task<CompiledWorkflow> CurrentAsync(DeskDbContext db, Guid workflowId, CancellationToken ct) =>
        (await RunnableAsync(db, workflowId, ct, mustBeEnabled: false) ?? throw WorkflowDeleted()).Compiled;

    /// <summary>
    /// Starts a child of a finished run on the workflow's current version, with the same trigger input and correlation
    /// id. Steps in <paramref name="reuse"/> start out succeeded with their earlier input and output. Saved together
    /// with whatever the caller changed in <paramref name="db"/> (the original's dead-letter outcome, the audit row).
    /// </summary>
    internal async Task<ExecutionSummary> StartRetryAsync(DeskDbContext db, Execution original, IReadOnlyDictionary<string, StepRun>? reuse, Actor actor, CancellationToken ct)
    {
        var workflow = await RunnableAsync(db, original.WorkflowId, ct) ?? throw WorkflowDeleted();
        var input = JsonNode.Parse(original.TriggerInputJson) as JsonObject ?? [];
        var request = new RunRequest(original.TriggerKind, input, original.CorrelationId, original.Id, OriginExecutionId: original.OriginExecutionId ?? original.Id,
            DryRun: original.DryRun);
        return await EnqueueAsync(db, workflow.Id, workflow.Name, workflow.Version, workflow.Compiled, null, request, actor, null, ct, reuse, original.Attempt + 1);
    }

    /// <summary>
    /// Writes many held runs of one workflow (a <c>foreach</c>'s items) in one commit, without an audit row or a live event
    /// each: they are announced when they are released. The caller makes sure none of them exists yet.
    /// </summary>
    internal async Task AddHeldAsync(Guid workflowId, IReadOnlyList<RunRequest> requests, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await RunnableAsync(db, workflowId, ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Workflow not found", $"There is no workflow {workflowId}.");
        var executions = requests.Select(r => NewExecution(db, workflow.Id, workflow.Name, workflow.Version, workflow.Compiled, null, r with { Held = true }, null, 1)).ToList();
        db.Executions.AddRange(executions);
        await SaveAsync(db, ct);
    }

    /// <summary>New runs are saved with their first event (<c>execution.queued</c>), in one commit.</summary>
    private Task SaveAsync(DeskDbContext db, CancellationToken ct) =>
        options.Value.StoreEvents ? ExecutionEventLog.SaveChangesAsync(db, time.GetUtcNow(), ct) : db.SaveChangesAsync(ct);

    private sealed record RunnableWorkflow(Guid Id, string Name, int Version, CompiledWorkflow Compiled);

    /// <summary>The stored workflow, compiled; null when there is none. A disabled one is refused unless asked for as it is.</summary>
    private async Task<RunnableWorkflow?> RunnableAsync(DeskDbContext db, Guid workflowId, CancellationToken ct, bool mustBeEnabled = true)
    {
        var workflow = await db.Workflows.AsNoTracking()
            .Where(w => w.Id == workflowId)
            .Select(w => new { w.Id, w.Name, w.Version, w.Enabled, w.DefinitionJson })
            .SingleOrDefaultAsync(ct);
        if (workflow is null)
        {
            return null;
        }
        if (mustBeEnabled && !workflow.Enabled)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Workflow is disabled", $"Workflow '{workflow.Name}' is disabled: enable it to run it.");
        }
        return new RunnableWorkflow(workflow.Id, workflow.Name, workflow.Version, cache.GetOrCompile(workflow.Id, workflow.Version, workflow.DefinitionJson));
    }

    private static DeskProblemException WorkflowDeleted() =>
        new(ProblemKind.Conflict, "Workflow deleted", "The workflow of this run has been deleted, so it cannot run again.");

    /// <summary>
    /// Runs a draft that has not been saved (the editor's Test run). The run keeps the draft's definition, so it
    /// shows in history like any other run, marked with the trigger kind <c>test</c>.
    /// </summary>
    public async Task<ExecutionSummary> StartTestAsync(WorkflowDefinition draft, Guid? workflowId, JsonObject input, Actor actor, CancellationToken ct) =>
        await StartTestAsync(draft, workflowId, input, dryRun: false, actor, ct);

    /// <summary>The same, as a dry run when <paramref name="dryRun"/> (the editor's Dry run button).</summary>
    public async Task<ExecutionSummary> StartTestAsync(WorkflowDefinition draft, Guid? workflowId, JsonObject input, bool dryRun, Actor actor, CancellationToken ct)
    {
        var definitionJson = WorkflowStore.Canonical(draft);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = workflowId is { } id ? await db.Workflows.Where(w => w.Id == id).Select(w => w.Version).SingleOrDefaultAsync(ct) : 0;
        var compiled = CompiledWorkflow.Compile(definitionJson);
        return await EnqueueAsync(db, workflowId ?? Guid.CreateVersion7(time.GetUtcNow()), draft.Name, version, compiled, definitionJson,
            new RunRequest(TestTriggerKind, input, DryRun: dryRun), actor, null, ct);
    }

    private async Task<ExecutionSummary> EnqueueAsync(
        DeskDbContext db, Guid workflowId, string workflowName, int version, CompiledWorkflow compiled, string? draftJson,
        RunRequest request, Actor actor, Action<DeskDbContext, Guid>? alongside, CancellationToken ct,
        IReadOnlyDictionary<string, StepRun>? reuse = null, int attempt = 1)
    {
        var execution = NewExecution(db, workflowId, workflowName, version, compiled, draftJson, request, reuse, attempt);
        db.Executions.Add(execution);
        audit.Record(db, actor, "execution.start", $"execution:{execution.Id}", new { workflowId, request.TriggerKind });
        alongside?.Invoke(db, execution.Id);
        await SaveAsync(db, ct);
        await events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
        if (!request.Held)
        {
            await dispatcher.DispatchAsync(execution.Id, ct);
        }
        return ExecutionSummary.From(execution);
    }

    private Execution NewExecution(
        DeskDbContext db, Guid workflowId, string workflowName, int version, CompiledWorkflow compiled, string? draftJson,
        RunRequest request, IReadOnlyDictionary<string, StepRun>? reuse, int attempt)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var execution = new Execution
        {
            Id = id,
            WorkflowId = workflowId,
            WorkflowName = workflowName,
            WorkflowVersion = version,
            Status = ExecutionStatus.Queued,
            TriggerKind = request.TriggerKind,
            TriggerInputJson = request.Input.ToJsonString(),
            CreatedAt = now,
            CorrelationId = request.CorrelationId ?? id.ToString("N"),
            ParentExecutionId = request.ParentExecutionId,
            ParentStepId = request.ParentStepId,
            ItemIndex = request.ItemIndex,
            OriginExecutionId = request.OriginExecutionId,
            DraftDefinitionJson = draftJson,
            DryRun = request.DryRun,
            Attempt = attempt,
            DueAt = request.Held ? HeldUntilReleased : null,
            Steps = compiled.Definition.Steps.Select((step, position) =>
            {
                var row = new StepRun
                {
                    Id = Guid.CreateVersion7(now),
                    ExecutionId = id,
                    StepId = step.Id,
                    Type = step.Type,
                    Name = step.Name ?? registry.Find(step.Type)?.Label ?? step.Type,
                    Position = position,
                    Status = StepStatus.Pending,
                };
                if (reuse?.GetValueOrDefault(step.Id) is { } earlier)
                {
                    row.Status = StepStatus.Succeeded;
                    row.InputJson = earlier.InputJson;
                    row.OutputJson = earlier.OutputJson;
                    row.StartedAt = earlier.StartedAt;
                    row.FinishedAt = earlier.FinishedAt;
                    row.DurationMs = earlier.DurationMs;
                }
                return row;
            }).ToList(),
        };
        execution.Keys = BusinessKeys(execution, compiled, db);
        return execution;
    }

    /// <summary>Evaluates <c>settings.keys</c> against what is known when the run starts. A key that cannot be read is logged and left out.</summary>
    private List<ExecutionKey> BusinessKeys(Execution execution, CompiledWorkflow compiled, DeskDbContext db)
    {
        if (compiled.Definition.Settings?.Keys is not { Count: > 0 } keys)
        {
            return [];
        }
        var now = time.GetUtcNow();
        var scope = new RunScope(execution, compiled, new Dictionary<string, string>(), time).Current();
        var result = new List<ExecutionKey>();
        foreach (var (name, template) in keys)
        {
            try
            {
                var value = TemplateResolver.AsText(TemplateResolver.ResolveText(template, scope));
                result.Add(new ExecutionKey { ExecutionId = execution.Id, Name = name, Value = value.Length > 256 ? value[..256] : value });
            }
#pragma warning disable CA1031 // A key that cannot be read is left out; the run still starts.
            catch (Exception e)
#pragma warning restore CA1031
            {
                db.ExecutionLogs.Add(new ExecutionLog
                {
                    ExecutionId = execution.Id,
                    Time = now,
                    Level = LogLevelName.Warning,
                    Domain = LogDomain.Trigger,
                    Message = $"Business key '{name}' could not be read: {e.Message}",
                });
            }
        }
        return result;
    }
}
