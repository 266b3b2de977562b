using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Execution;

/// <summary>How a run was started and with what.</summary>
public sealed record RunRequest(string TriggerKind, JsonObject Input, string? CorrelationId = null, Guid? ParentExecutionId = null);

/// <summary>
/// Starts runs: the execution row and its pending steps are written <c>Queued</c> in one commit, and only then
/// is the id handed to the dispatcher. If the process dies in between, recovery finds the row.
/// </summary>
public sealed class ExecutionLauncher(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, StepRegistry registry, IExecutionDispatcher dispatcher,
    IDeskEvents events, AuditTrail audit, TimeProvider time)
{
    public async Task<ExecutionSummary> StartAsync(Guid workflowId, RunRequest request, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Workflows.AsNoTracking()
            .Where(w => w.Id == workflowId)
            .Select(w => new { w.Id, w.Name, w.Version, w.Enabled, w.DefinitionJson })
            .SingleOrDefaultAsync(ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Workflow not found", $"There is no workflow {workflowId}.");
        if (!workflow.Enabled)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Workflow is disabled", $"Workflow '{workflow.Name}' is disabled: enable it to run it.");
        }
        var compiled = cache.GetOrCompile(workflow.Id, workflow.Version, workflow.DefinitionJson);
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var execution = new Execution
        {
            Id = id,
            WorkflowId = workflow.Id,
            WorkflowName = workflow.Name,
            WorkflowVersion = workflow.Version,
            Status = ExecutionStatus.Queued,
            TriggerKind = request.TriggerKind,
            TriggerInputJson = request.Input.ToJsonString(),
            CreatedAt = now,
            CorrelationId = request.CorrelationId ?? id.ToString("N"),
            ParentExecutionId = request.ParentExecutionId,
            Steps = compiled.Definition.Steps.Select((step, position) => new StepRun
            {
                Id = Guid.CreateVersion7(now),
                ExecutionId = id,
                StepId = step.Id,
                Type = step.Type,
                Name = step.Name ?? registry.Find(step.Type)?.Label ?? step.Type,
                Position = position,
                Status = StepStatus.Pending,
            }).ToList(),
        };
        db.Executions.Add(execution);
        audit.Record(db, actor, "execution.start", $"execution:{id}", new { workflowId, request.TriggerKind });
        await db.SaveChangesAsync(ct);
        await events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
        await dispatcher.DispatchAsync(id, ct);
        return ExecutionSummary.From(execution);
    }
}
