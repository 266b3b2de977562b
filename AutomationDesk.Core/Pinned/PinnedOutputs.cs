using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Pinned;

/// <summary>
/// A workflow's pinned test data: the trigger and each step's output of one run (a test run or any past one), and the
/// outputs "Execute this step" produced since. Outputs come from the run's stored rows, which the runner already
/// masked, so no secret is copied here. Pinning a run replaces every pin of the workflow in one transaction.
/// </summary>
public sealed class PinnedOutputs(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, TimeProvider time)
{
    /// <summary>The key the trigger is pinned under: not a valid step id, so no step can take it.</summary>
    public const string TriggerKey = "@trigger";

    /// <summary>The largest output kept (in characters of JSON); a larger one is left out and named as skipped.</summary>
    public const int MaxOutputChars = 256 * 1024;

    /// <summary>The workflow's pinned data; null when there is no such workflow.</summary>
    public async Task<PinnedData?> ReadAsync(Guid workflowId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Workflows.AnyAsync(w => w.Id == workflowId, ct))
        {
            return null;
        }
        var rows = await db.PinnedStepOutputs.AsNoTracking().Where(p => p.WorkflowId == workflowId).ToListAsync(ct);
        return Compose(workflowId, rows, []);
    }

    /// <summary>
    /// Pins the trigger and the outputs of the steps that ended with one in the given run of the workflow, replacing
    /// what was pinned. Null when there is no such workflow; a run that is not one of the workflow's is not found.
    /// </summary>
    public async Task<PinnedData?> PinRunAsync(Guid workflowId, Guid executionId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Workflows.AnyAsync(w => w.Id == workflowId, ct))
        {
            return null;
        }
        var run = await db.Executions.AsNoTracking().Include(e => e.Steps)
            .SingleOrDefaultAsync(e => e.Id == executionId && e.WorkflowId == workflowId, ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Run not found", $"There is no run {executionId} of this workflow.");
        var now = time.GetUtcNow();
        var pins = new List<PinnedStepOutput>();
        var skipped = new List<string>();
        var kept = run.Steps
            .Where(s => s.OutputJson is not null && (s.Status == StepStatus.Succeeded || s.Status == StepStatus.Failed))
            .Select(s => (s.StepId, Json: s.OutputJson!))
            .Prepend((StepId: TriggerKey, Json: run.TriggerInputJson));
        foreach (var (stepId, json) in kept)
        {
            if (json.Length > MaxOutputChars)
            {
                skipped.Add(stepId);
                continue;
            }
            pins.Add(new PinnedStepOutput { WorkflowId = workflowId, StepId = stepId, OutputJson = json, SourceExecutionId = executionId, PinnedAt = now });
        }
        // The old pins are read and replaced in one write turn, so a step executed meanwhile cannot slip a pin in between.
        await using var write = await DeskDatabase.BeginWriteAsync(db, ct);
        db.PinnedStepOutputs.RemoveRange(await db.PinnedStepOutputs.Where(p => p.WorkflowId == workflowId).ToListAsync(ct));
        db.PinnedStepOutputs.AddRange(pins);
        audit.Record(db, actor, "workflow.pin", $"workflow:{workflowId}", new { executionId, steps = pins.Count - 1, skipped });
        await db.SaveChangesAsync(ct);
        await write.CommitAsync(ct);
        return Compose(workflowId, pins, skipped);
    }

    /// <summary>Forgets every pin of the workflow; false when there is no such workflow.</summary>
    public async Task<bool> ClearAsync(Guid workflowId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Workflows.AnyAsync(w => w.Id == workflowId, ct))
        {
            return false;
        }
        db.PinnedStepOutputs.RemoveRange(await db.PinnedStepOutputs.Where(p => p.WorkflowId == workflowId).ToListAsync(ct));
        audit.Record(db, actor, "workflow.unpin", $"workflow:{workflowId}");
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Records that a person executed one step, and pins what it returned (and the trigger it ran with, when one was
    /// given), in one transaction. A failed step, or an output over the limit, pins nothing: false.
    /// </summary>
    internal async Task<bool> RecordStepAsync(
        Guid workflowId, string stepId, string? outputJson, string? triggerJson, Actor actor, string? failed, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Read and written in one write turn: two executions of one step at once update the pin one after the other
        // instead of both inserting it.
        await using var write = await DeskDatabase.BeginWriteAsync(db, ct);
        var pin = outputJson is not null && outputJson.Length <= MaxOutputChars && stepId != TriggerKey;
        audit.Record(db, actor, "workflow.step.execute", $"workflow:{workflowId}", new { stepId, succeeded = failed is null, pinned = pin });
        if (pin)
        {
            var now = time.GetUtcNow();
            var keys = triggerJson is null ? new[] { stepId } : [stepId, TriggerKey];
            var existing = await db.PinnedStepOutputs.Where(p => p.WorkflowId == workflowId && keys.Contains(p.StepId)).ToDictionaryAsync(p => p.StepId, ct);
            Put(db, existing, workflowId, stepId, outputJson!, now);
            if (triggerJson is not null && triggerJson.Length <= MaxOutputChars)
            {
                Put(db, existing, workflowId, TriggerKey, triggerJson, now);
            }
        }
        await db.SaveChangesAsync(ct);
        await write.CommitAsync(ct);
        return pin;
    }

    /// <summary>The pinned outputs as stored text by step id (the trigger under <see cref="TriggerKey"/>).</summary>
    internal async Task<IReadOnlyDictionary<string, string>> StoredAsync(Guid workflowId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PinnedStepOutputs.AsNoTracking().Where(p => p.WorkflowId == workflowId)
            .ToDictionaryAsync(p => p.StepId, p => p.OutputJson, StringComparer.Ordinal, ct);
    }

    private static void Put(DeskDbContext db, Dictionary<string, PinnedStepOutput> existing, Guid workflowId, string stepId, string json, DateTimeOffset now)
    {
        if (existing.TryGetValue(stepId, out var row))
        {
            row.OutputJson = json;
            row.SourceExecutionId = null;
            row.PinnedAt = now;
            return;
        }
        db.PinnedStepOutputs.Add(new PinnedStepOutput { WorkflowId = workflowId, StepId = stepId, OutputJson = json, PinnedAt = now });
    }

    private static PinnedData Compose(Guid workflowId, IEnumerable<PinnedStepOutput> rows, IReadOnlyList<string> skipped)
    {
        JsonNode? trigger = null;
        var steps = new List<PinnedStep>();
        foreach (var row in rows.OrderBy(r => r.StepId, StringComparer.Ordinal))
        {
            if (row.StepId == TriggerKey)
            {
                trigger = StoredJson.Parse(row.OutputJson);
                continue;
            }
            steps.Add(new PinnedStep(row.StepId, StoredJson.Parse(row.OutputJson), row.SourceExecutionId, row.PinnedAt));
        }
        return new PinnedData(workflowId, trigger, steps, skipped);
    }
}

/// <summary>A workflow's pinned data: the trigger (<c>{ body, … }</c> as a run saw it) and each step's output.</summary>
public sealed record PinnedData(Guid WorkflowId, JsonNode? Trigger, IReadOnlyList<PinnedStep> Steps, IReadOnlyList<string> Skipped)
{
    public JsonNode? OutputOf(string stepId) => Steps.FirstOrDefault(s => s.StepId == stepId)?.Output;
}

/// <summary>One step's pinned output and where it came from (null: "Execute this step").</summary>
public sealed record PinnedStep(string StepId, JsonNode? Output, Guid? SourceExecutionId, DateTimeOffset PinnedAt);
