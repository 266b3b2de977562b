using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Core.Execution;

/// <summary>A sub-workflow's run as the step that started it sees it.</summary>
public sealed record ChildRun(Guid Id, int? ItemIndex, string WorkflowName, ExecutionStatus Status, string? OutputJson, string? ErrorHuman);

/// <summary>How the item runs of one <c>foreach</c> stand: held (not started yet), in flight, and ended.</summary>
public sealed record ItemCounts(int Total, int Held, int InFlight, int Succeeded, int Failed)
{
    public int Done => Succeeded + Failed;
}

/// <summary>
/// The runs a step starts and waits for (<c>workflow.run</c>, <c>foreach</c>). A child carries its parent run and step
/// and the parent's correlation id. A foreach writes all its items' runs held at once, so every item is a row from the
/// start, and releases them a few at a time. When a child ends, its parent is woken; a parent that went
/// <c>Waiting</c> at the moment a child ended looks again (<see cref="CountEndedAsync"/>), so no end is missed; and a
/// restart dispatches every waiting run, so an end whose wake was lost in a crash is seen then.
/// The launcher is taken from <paramref name="services"/> when first used: it needs the step registry, which holds the
/// steps that use this class, so asking for it in the constructor would be a cycle.
/// </summary>
public sealed class ChildRuns(IDbContextFactory<DeskDbContext> dbFactory, IServiceProvider services, IExecutionDispatcher dispatcher, TimeProvider time)
{
    private ExecutionLauncher Launcher => services.GetRequiredService<ExecutionLauncher>();

    /// <summary>How deep sub-workflows nest: a run and nine levels of runs it started.</summary>
    public const int MaxDepth = 10;

    /// <summary>The trigger kind of a sub-workflow's run.</summary>
    public const string TriggerKind = "subworkflow";

    private const int ItemsPerCommit = 500;
    private static readonly ExecutionStatus[] FinalStatuses = Enum.GetValues<ExecutionStatus>().Where(s => s.IsFinal()).ToArray();
    private static readonly Actor Starter = new(ActorKind.System, "sub-workflow");

    /// <summary>
    /// The child this step started, or a new one started now: a step run again after a crash finds the child it started,
    /// and a new attempt of the step after its child failed starts another.
    /// </summary>
    public async Task<ChildRun> StartOnceAsync(StepContext context, Guid workflowId, JsonObject input, CancellationToken ct)
    {
        if (await FindAsync(context.ExecutionId, context.StepId, ct) is { } started && !(started.Status.IsFinal() && started.Status != ExecutionStatus.Succeeded))
        {
            return started;
        }
        await CheckDepthAsync(context.ExecutionId, workflowId, ct);
        var request = new RunRequest(TriggerKind, TriggerInput(input), context.CorrelationId, context.ExecutionId, ParentStepId: context.StepId);
        try
        {
            var child = await Launcher.StartAsync(workflowId, request, Starter, ct);
            return new ChildRun(child.Id, null, child.WorkflowName, child.Status, null, null);
        }
        catch (DeskProblemException e)
        {
            throw new StepFailedException($"The sub-workflow did not start: {e.Message}");
        }
    }

    /// <summary>The run a <c>workflow.run</c> step started, as it stands now; null when it started none.</summary>
    public async Task<ChildRun?> FindAsync(Guid parentId, string stepId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Children(db, parentId, stepId).Where(e => e.ItemIndex == null)
            .OrderByDescending(e => e.CreatedAt)
            .Select(e => new ChildRun(e.Id, e.ItemIndex, e.WorkflowName, e.Status, e.OutputJson, e.ErrorHuman))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Writes a held run for each item that has none yet, a few hundred per commit: a step run again after a crash in
    /// the middle writes only the rest. Refused as a whole (nothing written) when the workflow cannot run or nests too deep.
    /// </summary>
    public async Task AddItemsAsync(StepContext context, Guid workflowId, IReadOnlyList<JsonObject> inputs, CancellationToken ct)
    {
        HashSet<int> existing;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            existing = (await Children(db, context.ExecutionId, context.StepId).Where(e => e.ItemIndex != null)
                .Select(e => e.ItemIndex!.Value).ToListAsync(ct)).ToHashSet();
        }
        if (existing.Count == 0)
        {
            await CheckDepthAsync(context.ExecutionId, workflowId, ct);
        }
        var missing = Enumerable.Range(0, inputs.Count).Where(i => !existing.Contains(i)).ToList();
        foreach (var batch in missing.Chunk(ItemsPerCommit))
        {
            var requests = batch
                .Select(i => new RunRequest(TriggerKind, TriggerInput(inputs[i]), context.CorrelationId, context.ExecutionId, ParentStepId: context.StepId, ItemIndex: i))
                .ToList();
            try
            {
                await Launcher.AddHeldAsync(workflowId, requests, ct);
            }
            catch (DeskProblemException e)
            {
                throw new StepFailedException($"The item runs could not be written: {e.Message}");
            }
        }
    }

    public async Task<ItemCounts> CountItemsAsync(Guid parentId, string stepId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await Children(db, parentId, stepId).Where(e => e.ItemIndex != null)
            .GroupBy(e => new { e.Status, Held = e.DueAt == ExecutionLauncher.HeldUntilReleased })
            .Select(g => new { g.Key.Status, g.Key.Held, Count = g.Count() })
            .ToListAsync(ct);
        int Sum(Func<ExecutionStatus, bool> status, bool? held = null) =>
            groups.Where(g => status(g.Status) && (held is null || g.Held == held)).Sum(g => g.Count);
        return new ItemCounts(
            Total: groups.Sum(g => g.Count),
            Held: Sum(s => s == ExecutionStatus.Queued, held: true),
            InFlight: Sum(s => !s.IsFinal(), held: false),
            Succeeded: Sum(s => s == ExecutionStatus.Succeeded),
            Failed: Sum(s => s.IsFinal() && s != ExecutionStatus.Succeeded));
    }

    /// <summary>Starts up to <paramref name="count"/> held items, lowest index first. Each is released once: a conditional update.</summary>
    public async Task<int> ReleaseItemsAsync(Guid parentId, string stepId, int count, CancellationToken ct)
    {
        if (count <= 0)
        {
            return 0;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var next = await Children(db, parentId, stepId)
            .Where(e => e.ItemIndex != null && e.Status == ExecutionStatus.Queued && e.DueAt == ExecutionLauncher.HeldUntilReleased)
            .OrderBy(e => e.ItemIndex)
            .Take(count)
            .Select(e => e.Id)
            .ToListAsync(ct);
        var released = 0;
        foreach (var id in next)
        {
            if (await db.Executions.Where(e => e.Id == id && e.DueAt == ExecutionLauncher.HeldUntilReleased)
                    .ExecuteUpdateAsync(set => set.SetProperty(e => e.DueAt, (DateTimeOffset?)null), ct) == 1)
            {
                await dispatcher.DispatchAsync(id, ct);
                released++;
            }
        }
        return released;
    }

    /// <summary>
    /// Ends the item runs that were never started as <c>Cancelled</c> with <paramref name="reason"/>: those of one step
    /// (a <c>foreach</c> stopped by a failed item), or of every step when <paramref name="stepId"/> is null (the parent ended).
    /// </summary>
    public async Task CancelHeldAsync(Guid parentId, string? stepId, string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        await using var write = await DeskDatabase.BeginWriteAsync(db, ct);
        var held = db.Executions
            .Where(e => e.ParentExecutionId == parentId && e.ParentStepId != null && (stepId == null || e.ParentStepId == stepId)
                && e.Status == ExecutionStatus.Queued && e.DueAt == ExecutionLauncher.HeldUntilReleased);
        await db.StepRuns.Where(s => held.Select(e => e.Id).Contains(s.ExecutionId))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Status, StepStatus.Cancelled).SetProperty(s => s.FinishedAt, now), ct);
        await held.ExecuteUpdateAsync(set => set
            .SetProperty(e => e.Status, ExecutionStatus.Cancelled)
            .SetProperty(e => e.FinishedAt, now)
            .SetProperty(e => e.ErrorHuman, reason)
            .SetProperty(e => e.DueAt, (DateTimeOffset?)null), ct);
        // One execution.cancelled event each, in one statement; their steps never started, so they get none of their own.
        var cancelled = await db.Executions.AsNoTracking()
            .Where(e => e.ParentExecutionId == parentId && e.ParentStepId != null && (stepId == null || e.ParentStepId == stepId)
                && e.Status == ExecutionStatus.Cancelled && e.FinishedAt == now && e.StartedAt == null)
            .OrderBy(e => e.ItemIndex)
            .ToListAsync(ct);
        await ExecutionEventLog.AppendAsync(db, cancelled.Select(e => ExecutionEventLog.ForExecution(e, now)).ToList(), ct);
        await write.CommitAsync(ct);
    }

    /// <summary>Every item's run in item order, with its status and output.</summary>
    public async Task<IReadOnlyList<ChildRun>> ItemsAsync(Guid parentId, string stepId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Children(db, parentId, stepId).Where(e => e.ItemIndex != null)
            .OrderBy(e => e.ItemIndex)
            .Select(e => new ChildRun(e.Id, e.ItemIndex, e.WorkflowName, e.Status, e.OutputJson, e.ErrorHuman))
            .ToListAsync(ct);
    }

    /// <summary>Wakes the run a sub-workflow's run belongs to, if it is one (<see cref="WakeAsync"/>).</summary>
    public Task WakeParentAsync(Guid? parentId, string? parentStepId, CancellationToken ct) =>
        parentId is { } parent && parentStepId is not null ? WakeAsync(parent, ct) : Task.CompletedTask;

    /// <summary>
    /// Wakes a run that waits for its children: its due time becomes now and it is dispatched. A run that is on a worker
    /// at this moment is not touched; it looks again when it goes back to waiting. A paused run (by a person, or for a
    /// decision) is not woken: its resume or decision dispatches it, and it then looks at its children.
    /// </summary>
    public async Task WakeAsync(Guid parent, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var woken = await db.Executions
            .Where(e => e.Id == parent && (e.Status == ExecutionStatus.Waiting || e.Status == ExecutionStatus.Retrying))
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.DueAt, now), ct);
        if (woken == 1)
        {
            await dispatcher.DispatchAsync(parent, ct);
        }
    }

    /// <summary>
    /// How many of a run's sub-workflow runs have ended. Taken before the run's steps look at their children and again
    /// once the run waits: a child that ended in between found the run on its worker and could not wake it, so the run
    /// wakes itself.
    /// </summary>
    public async Task<int> CountEndedAsync(Guid parentId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Executions.CountAsync(e => e.ParentExecutionId == parentId && e.ParentStepId != null && FinalStatuses.Contains(e.Status), ct);
    }

    /// <summary>Refuses a child that would nest deeper than <see cref="MaxDepth"/>, naming the chain of workflows.</summary>
    private async Task CheckDepthAsync(Guid executionId, Guid childWorkflowId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var chain = new List<string>();
        Guid? next = executionId;
        while (next is { } id && chain.Count < MaxDepth)
        {
            var row = await db.Executions.AsNoTracking().Where(e => e.Id == id)
                .Select(e => new { e.WorkflowName, e.ParentExecutionId, e.ParentStepId })
                .SingleOrDefaultAsync(ct);
            if (row is null)
            {
                break;
            }
            chain.Insert(0, row.WorkflowName);
            next = row.ParentStepId is null ? null : row.ParentExecutionId;
        }
        if (chain.Count < MaxDepth)
        {
            return;
        }
        var child = await db.Workflows.AsNoTracking().Where(w => w.Id == childWorkflowId).Select(w => w.Name).SingleOrDefaultAsync(ct) ?? childWorkflowId.ToString();
        throw new StepFailedException(
            $"Sub-workflows nest at most {MaxDepth} deep: {string.Join(" → ", chain)} → {child} was not started. A workflow that starts itself needs a condition that ends it.");
    }

    /// <summary>A child reads what it was given as <c>trigger.body</c>, as a webhook's run reads its request body.</summary>
    private static JsonObject TriggerInput(JsonObject input) => new() { ["body"] = input.DeepClone() };

    private static IQueryable<Execution> Children(DeskDbContext db, Guid parentId, string stepId) =>
        db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == parentId && e.ParentStepId == stepId);
}
