using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Execution;

/// <summary>The person deciding: their audit name, their email (if known) and their roles.</summary>
public sealed record Decider(Actor Actor, string? Email, IReadOnlyCollection<string> Roles);

/// <summary>An approval step that waits for a decision, as the run page shows it.</summary>
public sealed record PendingApproval(string StepId, string StepName, string Message, ApproverList? Approvers, ApprovalDecision DefaultDecision)
{
    /// <summary>The approval <paramref name="step"/> waits for, or null when it does not wait for one.</summary>
    public static PendingApproval? From(StepRunView step)
    {
        if (step.Type != ApprovalStep.TypeName || step.Status != StepStatus.Waiting || step.Output is not null || step.Input is not JsonObject input)
        {
            return null;
        }
        var config = Approvals.ReadConfig(input);
        return new PendingApproval(step.StepId, step.Name, config?.Message ?? "", config?.Approvers, config?.DefaultDecision ?? ApprovalDecision.Reject);
    }
}

/// <summary>
/// Decisions on approval steps. A waiting approval keeps its request in the step's input (the resolved config) and
/// gets its decision <c>{ decision, comment, by, at }</c> as its output; the decision makes the step due and the
/// <c>Paused</c> run <c>Queued</c> in one commit, and the run is dispatched. The runner then ends the step: approved,
/// it succeeds; rejected, it fails. A timeout that passes without a decision is settled by the runner the same way.
/// </summary>
public sealed class Approvals(IDbContextFactory<DeskDbContext> dbFactory, IExecutionDispatcher dispatcher, IDeskEvents events, AuditTrail audit, TimeProvider time)
{
    /// <exception cref="DeskProblemException">Not found, no approval waiting (conflict), or the person may not decide (forbidden).</exception>
    /// <param name="stepId">The approval step to decide (a request in the bell names its own); null for the first one waiting.</param>
    public async Task<ExecutionSummary> DecideAsync(Guid executionId, ApprovalDecision decision, string? comment, Decider decider, CancellationToken ct, string? stepId = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var execution = await db.Executions.Include(e => e.Steps).SingleOrDefaultAsync(e => e.Id == executionId, ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Execution not found", $"There is no execution {executionId}.");
        var step = execution.Steps.OrderBy(s => s.Position).FirstOrDefault(s => IsUndecided(s) && (stepId is null || s.StepId == stepId));
        if (execution.Status != ExecutionStatus.Paused || step is null)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "No approval is waiting",
                $"Execution {executionId} is {execution.Status} and waits for no decision: only a run paused at an approval step can be approved or rejected.");
        }
        var config = ReadConfig(StoredJson.Parse(step.InputJson) as JsonObject);
        if (!MayDecide(config?.Approvers, decider))
        {
            throw new DeskProblemException(ProblemKind.Forbidden, "Not an approver",
                $"{decider.Actor.Name} may not decide step '{step.Name}': {Who(config?.Approvers)}");
        }
        var now = time.GetUtcNow();
        var output = Output(decision, comment, decider.Actor.Name, now);
        await using var transaction = await DeskDatabase.BeginWriteAsync(db, ct);
        var decided = await db.StepRuns
            .Where(s => s.Id == step.Id && s.Status == StepStatus.Waiting && s.OutputJson == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.OutputJson, output.ToJsonString()).SetProperty(s => s.ResumeAt, now), ct);
        var queued = decided == 1 && await db.Executions
            .Where(e => e.Id == executionId && e.Status == ExecutionStatus.Paused)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.Status, ExecutionStatus.Queued).SetProperty(e => e.DueAt, (DateTimeOffset?)null), ct) == 1;
        if (!queued)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "No approval is waiting",
                $"Step '{step.Name}' of execution {executionId} was decided or the run moved on at the same moment: reload the run.");
        }
        // The request's notifications say who decided (the bell shows it instead of the buttons).
        await db.Notifications
            .Where(n => n.ExecutionId == executionId && n.ApprovalStepId == step.StepId && n.DecidedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.Decision, DecisionName(decision)).SetProperty(n => n.DecidedBy, decider.Actor.Name)
                .SetProperty(n => n.DecidedAt, now), ct);
        audit.Record(db, decider.Actor, "execution.approval", $"execution:{executionId}",
            new { stepId = step.StepId, decision = DecisionName(decision), comment });
        var log = new ExecutionLog
        {
            ExecutionId = executionId, Time = now, Level = LogLevelName.Information, Domain = LogDomain.Step, StepId = step.StepId,
            Message = $"{(decision == ApprovalDecision.Approve ? "Approved" : "Rejected")} by {decider.Actor.Name}{(string.IsNullOrWhiteSpace(comment) ? "" : $": {comment}")}",
        };
        db.ExecutionLogs.Add(log);
        await db.SaveChangesAsync(ct);
        await ExecutionEventLog.AppendCurrentAsync(db, executionId, s => s.Id == step.Id, [log], now, ct);
        await transaction.CommitAsync(ct);
        await db.Entry(step).ReloadAsync(ct);
        await db.Entry(execution).ReloadAsync(ct);
        await events.StepChangedAsync(StepRunView.From(step), ct);
        var summary = ExecutionSummary.From(execution);
        await events.ExecutionChangedAsync(summary, ct);
        await dispatcher.DispatchAsync(executionId, ct);
        return summary;
    }

    /// <summary>Of the runs asked about, the approval steps still waiting for a decision, with who may decide each.</summary>
    public async Task<IReadOnlyDictionary<(Guid ExecutionId, string StepId), ApproverList?>> WaitingAsync(IReadOnlyCollection<Guid> executionIds, CancellationToken ct)
    {
        if (executionIds.Count == 0)
        {
            return new Dictionary<(Guid, string), ApproverList?>();
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var waiting = await db.StepRuns.AsNoTracking()
            .Where(s => executionIds.Contains(s.ExecutionId) && s.Type == ApprovalStep.TypeName && s.Status == StepStatus.Waiting && s.OutputJson == null
                && db.Executions.Any(e => e.Id == s.ExecutionId && e.Status == ExecutionStatus.Paused))
            .Select(s => new { s.ExecutionId, s.StepId, s.InputJson })
            .ToListAsync(ct);
        return waiting.ToDictionary(w => (w.ExecutionId, w.StepId), w => ReadConfig(StoredJson.Parse(w.InputJson) as JsonObject)?.Approvers);
    }

    /// <summary>An approval step still waiting for a person.</summary>
    public static bool IsUndecided(StepRun step) => step.Type == ApprovalStep.TypeName && step.Status == StepStatus.Waiting && step.OutputJson is null;

    /// <summary>The decision written on an approval step, or the default decision when its time ran out without one.</summary>
    internal static (ApprovalDecision Decision, JsonObject Output) Settle(StepRun step, DateTimeOffset now)
    {
        if (StoredJson.Parse(step.OutputJson) is JsonObject output && output["decision"]?.GetValue<string>() is { } name)
        {
            return (name == DecisionName(ApprovalDecision.Approve) ? ApprovalDecision.Approve : ApprovalDecision.Reject, output);
        }
        var fallback = ReadConfig(StoredJson.Parse(step.InputJson) as JsonObject)?.DefaultDecision ?? ApprovalDecision.Reject;
        return (fallback, Output(fallback, "No decision before the timeout.", TimeoutDecider, now));
    }

    /// <summary>Who decided an approval whose time ran out, as its output and its requests in the bell say.</summary>
    internal const string TimeoutDecider = "timeout";

    /// <summary>
    /// The requests of approvals whose time ran out, marked decided by the timeout with the default decision taken, so
    /// the bell stops offering Approve/Reject and says what happened. Part of the runner's checkpoint that settles them.
    /// </summary>
    internal static Task MarkTimedOutAsync(DeskDbContext db, Guid executionId, string stepId, ApprovalDecision decision, DateTimeOffset now, CancellationToken ct) =>
        db.Notifications
            .Where(n => n.ExecutionId == executionId && n.ApprovalStepId == stepId && n.DecidedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.Decision, DecisionName(decision)).SetProperty(n => n.DecidedBy, TimeoutDecider)
                .SetProperty(n => n.DecidedAt, now), ct);

    internal static ApprovalConfig? ReadConfig(JsonObject? input)
    {
        try
        {
            return input?.Deserialize<ApprovalConfig>(DeskJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool MayDecide(ApproverList? approvers, Decider decider)
    {
        if (approvers is null || (approvers.Roles.Count == 0 && approvers.Users.Count == 0))
        {
            return decider.Roles.Contains(DeskRoles.Editor) || decider.Roles.Contains(DeskRoles.Admin);
        }
        return approvers.Roles.Any(r => decider.Roles.Contains(r, StringComparer.OrdinalIgnoreCase))
            || approvers.Users.Any(u => string.Equals(u, decider.Actor.Name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(u, decider.Email, StringComparison.OrdinalIgnoreCase));
    }

    private static string Who(ApproverList? approvers) =>
        approvers is null || (approvers.Roles.Count == 0 && approvers.Users.Count == 0)
            ? "only Editors and Admins decide an approval that names no approvers."
            : $"the approvers are {string.Join(", ", approvers.Roles.Select(r => $"role {r}").Concat(approvers.Users))}.";

    private static string DecisionName(ApprovalDecision decision) => decision == ApprovalDecision.Approve ? "approve" : "reject";

    private static JsonObject Output(ApprovalDecision decision, string? comment, string by, DateTimeOffset at) => new()
    {
        ["decision"] = DecisionName(decision),
        ["comment"] = comment ?? "",
        ["by"] = by,
        ["at"] = at.ToString("O", CultureInfo.InvariantCulture),
    };
}
