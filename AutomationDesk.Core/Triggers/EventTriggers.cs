using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// Starts the workflows that follow a run that just ended: those whose <c>event</c> trigger listens to it, and its
/// workflow's error workflow (<c>settings.onFailure</c>) when it failed for good. An event-started run's trigger input
/// is the finished run's summary, with the <c>chain</c> of runs that led to it, so a loop of workflows that start each
/// other is cut at <see cref="MaxChainLength"/> runs. An error workflow's own failure starts no other.
/// </summary>
public sealed class EventTriggers(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, ExecutionLauncher launcher, NotificationService notifications,
    TimeProvider time)
{
    /// <summary>The most runs one chain of event triggers holds, the first (manual, scheduled…) run included.</summary>
    public const int MaxChainLength = 10;

    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>The trigger kind of a run an error workflow makes for a failed run.</summary>
    public const string ErrorTriggerKind = "error";

    public static readonly IReadOnlyList<string> Outcomes = [Succeeded, Failed];

    private static readonly Actor EventActor = new(ActorKind.System, "event trigger");
    private static readonly Actor ErrorActor = new(ActorKind.System, "error workflow");

    /// <summary>
    /// Called once when a run ends. Costs one query when no workflow listens to this one; definitions are read only
    /// for workflows whose definition mentions the finished run's workflow id. Test runs of drafts and dry runs never fire.
    /// </summary>
    public async Task FireAsync(Execution.Execution finished, CancellationToken ct)
    {
        if (finished.TriggerKind == ExecutionLauncher.TestTriggerKind || finished.DraftDefinitionJson is not null || finished.DryRun)
        {
            return;
        }
        if (finished.Status is ExecutionStatus.Failed or ExecutionStatus.TimedOut && finished.TriggerKind != ErrorTriggerKind)
        {
            await StartErrorWorkflowAsync(finished, ct);
        }
        if (finished.Status is not (ExecutionStatus.Succeeded or ExecutionStatus.Failed))
        {
            return;
        }
        var outcome = finished.Status == ExecutionStatus.Succeeded ? Succeeded : Failed;
        var mention = finished.WorkflowId.ToString();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.Workflows.AsNoTracking()
            .Where(w => w.TriggerType == TriggerTypes.Event && w.Enabled && w.DefinitionJson.Contains(mention))
            .Select(w => new { w.Id, w.Name, w.Version, w.DefinitionJson })
            .ToListAsync(ct);
        var listeners = candidates
            .Where(w => cache.GetOrCompile(w.Id, w.Version, w.DefinitionJson).Definition.Trigger.Event is { } trigger
                && trigger.WorkflowId == finished.WorkflowId && trigger.On.Contains(outcome))
            .OrderBy(w => w.Name, StringComparer.Ordinal)
            .ToList();
        if (listeners.Count == 0)
        {
            return;
        }
        var chain = ChainOf(finished);
        if (chain.Count >= MaxChainLength)
        {
            await RefuseAsync(db, finished, chain, listeners.Select(l => l.Name).ToList(), ct);
            return;
        }
        var input = Summary(finished, chain);
        foreach (var listener in listeners)
        {
            try
            {
                await launcher.StartAsync(listener.Id, new RunRequest(TriggerTypes.Event, (JsonObject)input.DeepClone(), finished.CorrelationId, finished.Id), EventActor, ct);
            }
            catch (DeskProblemException e)
            {
                // Disabled or deleted since the query: the other listeners still start, and the finished run says why this one did not.
                AddLog(db, finished, LogLevelName.Warning, $"Event trigger of '{listener.Name}' did not start: {e.Message}", null);
            }
        }
        await ExecutionEventLog.SaveLogsAsync(db, finished, ct);
    }

    /// <summary>
    /// Starts the workflow's error workflow once for a run that failed for good, with the run's summary as its trigger
    /// (<c>{ id, workflowId, workflow, status, error, failedStep, correlationId, startedAt, finishedAt }</c>).
    /// </summary>
    private async Task StartErrorWorkflowAsync(Execution.Execution failed, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!cache.TryGet(failed.WorkflowId, failed.WorkflowVersion, out var compiled))
        {
            var json = await db.WorkflowVersions.AsNoTracking()
                .Where(v => v.WorkflowId == failed.WorkflowId && v.Version == failed.WorkflowVersion)
                .Select(v => v.DefinitionJson).SingleOrDefaultAsync(ct);
            compiled = json is null ? null : cache.GetOrCompile(failed.WorkflowId, failed.WorkflowVersion, json);
        }
        if (compiled?.Definition.Settings?.OnFailure is not { } onFailure)
        {
            return;
        }
        if (await db.Executions.AnyAsync(e => e.ParentExecutionId == failed.Id && e.TriggerKind == ErrorTriggerKind, ct))
        {
            return;
        }
        var step = failed.Steps.FirstOrDefault(s => s.StepId == failed.CurrentStepId && s.Status is StepStatus.Failed or StepStatus.Succeeded);
        var summary = new JsonObject
        {
            ["id"] = failed.Id,
            ["workflowId"] = failed.WorkflowId,
            ["workflow"] = failed.WorkflowName,
            ["status"] = failed.Status.ToString(),
            ["error"] = failed.ErrorHuman,
            ["failedStep"] = step is null ? null : new JsonObject { ["id"] = step.StepId, ["name"] = step.Name, ["type"] = step.Type, ["error"] = step.ErrorHuman },
            ["trigger"] = failed.TriggerKind,
            ["correlationId"] = failed.CorrelationId,
            ["startedAt"] = failed.StartedAt,
            ["finishedAt"] = failed.FinishedAt,
        };
        try
        {
            await launcher.StartAsync(onFailure.WorkflowId, new RunRequest(ErrorTriggerKind, summary, failed.CorrelationId, failed.Id), ErrorActor, ct);
            AddLog(db, failed, LogLevelName.Information, "Error workflow started", new JsonObject { ["workflowId"] = onFailure.WorkflowId });
        }
        catch (DeskProblemException e)
        {
            AddLog(db, failed, LogLevelName.Warning, $"The error workflow did not start: {e.Message}", new JsonObject { ["workflowId"] = onFailure.WorkflowId });
        }
        await ExecutionEventLog.SaveLogsAsync(db, failed, ct);
    }

    /// <summary>The runs that led to <paramref name="finished"/>, from its own trigger input, then the finished run itself.</summary>
    private static JsonArray ChainOf(Execution.Execution finished)
    {
        var chain = new JsonArray();
        if (finished.TriggerKind == TriggerTypes.Event && StoredJson.Parse(finished.TriggerInputJson)?["chain"] is JsonArray before)
        {
            foreach (var link in before)
            {
                chain.Add(link?.DeepClone());
            }
        }
        chain.Add(new JsonObject
        {
            ["executionId"] = finished.Id,
            ["workflowId"] = finished.WorkflowId,
            ["workflow"] = finished.WorkflowName,
        });
        return chain;
    }

    /// <summary>The trigger input of a run an event starts: <c>{ id, workflowId, workflow, status, output, error, chain }</c>.</summary>
    private static JsonObject Summary(Execution.Execution finished, JsonArray chain) => new()
    {
        ["id"] = finished.Id,
        ["workflowId"] = finished.WorkflowId,
        ["workflow"] = finished.WorkflowName,
        ["status"] = finished.Status.ToString(),
        ["output"] = StoredJson.Parse(finished.OutputJson),
        ["error"] = finished.ErrorHuman,
        ["chain"] = chain,
    };

    private async Task RefuseAsync(DeskDbContext db, Execution.Execution finished, JsonArray chain, IReadOnlyList<string> listeners, CancellationToken ct)
    {
        var names = chain.Select(link => (string?)link?["workflow"] ?? "?").Concat(listeners.Take(1)).ToList();
        var path = string.Join(" → ", names) + " → …";
        var message = $"Event triggers stopped: {chain.Count} runs already started each other ({path}); at most {MaxChainLength} runs follow from one. "
            + $"Not started: {string.Join(", ", listeners)}.";
        AddLog(db, finished, LogLevelName.Warning, message, new JsonObject { ["chain"] = chain.DeepClone(), ["notStarted"] = new JsonArray(listeners.Select(l => (JsonNode?)l).ToArray()) });
        await ExecutionEventLog.SaveLogsAsync(db, finished, ct);
        await notifications.CreateAsync(new NewNotification(
            $"Event chain stopped after {finished.WorkflowName}", message, NotificationType.Warning, NotificationPriority.High,
            finished.Id, finished.WorkflowId, StableId.Within(finished.Id, "event-chain-stopped")), ct);
    }

    private void AddLog(DeskDbContext db, Execution.Execution finished, LogLevelName level, string message, JsonNode? data) =>
        db.ExecutionLogs.Add(new ExecutionLog
        {
            ExecutionId = finished.Id,
            Time = time.GetUtcNow(),
            Level = level,
            Domain = LogDomain.Trigger,
            Message = message,
            DataJson = StoredJson.Write(data),
        });
}
