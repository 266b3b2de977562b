using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Execution;

/// <summary>Where a retried run starts: from its first step, or from the step that failed (earlier outputs kept).</summary>
public enum RetryFrom
{
    Start,
    Failed,
}

/// <summary>One step of a retry plan: whether it runs again, and whether running it again reaches the outside world.</summary>
public sealed record RetryPlanStep(string StepId, string Name, string Type, StepStatus WasStatus, bool RunsAgain, bool HasSideEffects);

/// <summary>What a retry will do, shown to a person before they confirm it, with the retries already made of the same run.</summary>
public sealed record RetryPlan(Guid ExecutionId, RetryFrom From, IReadOnlyList<RetryPlanStep> Steps, IReadOnlyList<EarlierRetry> EarlierRetries)
{
    /// <summary>Steps that will run again and reach the outside world (email, HTTP writes, records, sub-workflows…).</summary>
    public IReadOnlyList<RetryPlanStep> Repeats => Steps.Where(s => s.RunsAgain && s.HasSideEffects).ToList();

    /// <summary>"Resolved by run X" or "Already retried by run X (Running)"; null when nobody has retried this run.</summary>
    public string? Warning => EarlierRetry.Describe(EarlierRetries);
}

/// <summary>
/// Replays, resumes and discards runs that ended badly. A retry is a new child run (its parent is the original), so the
/// original stays as it was; resuming from the failed step copies the outputs of the steps that had succeeded.
/// The original leaves the dead-letter list in the same commit that writes its child. Retries on this node start one at
/// a time, so two clicks or two calls at once cannot both pass the "already retried" check.
/// </summary>
public sealed class RunRetry(IDbContextFactory<DeskDbContext> dbFactory, ExecutionLauncher launcher, StepRegistry registry, IDeskEvents events, AuditTrail audit, TimeProvider time)
    : IDisposable
{
    private static readonly string[] ReadOnlyHttpMethods = ["GET", "HEAD", "OPTIONS"];

    private readonly SemaphoreSlim _oneRetryAtATime = new(1, 1);

    public async Task<RetryPlan> PlanAsync(Guid executionId, RetryFrom from, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var original = await LoadRetryableAsync(db, executionId, from, ct);
        var compiled = await launcher.CurrentAsync(db, original.WorkflowId, ct);
        return Plan(original, compiled, from, await EarlierRetriesAsync(db, original, ct));
    }

    /// <summary>
    /// The retries already started from this run, oldest first. A retry is a child run with an origin (the first run of
    /// its chain); the runs an event trigger, an error workflow or a sub-workflow step started from this one have none.
    /// </summary>
    private static async Task<IReadOnlyList<EarlierRetry>> EarlierRetriesAsync(DeskDbContext db, Execution original, CancellationToken ct) =>
        await db.Executions.AsNoTracking()
            .Where(e => e.ParentExecutionId == original.Id && e.OriginExecutionId != null)
            .OrderBy(e => e.CreatedAt)
            .Select(e => new EarlierRetry(e.Id, e.Status, e.CreatedAt))
            .ToListAsync(ct);

    /// <summary>Retries a run nobody has retried yet.</summary>
    /// <exception cref="DeskProblemException">
    /// Not found, the run has not ended in a way that can be retried, or it was already retried (conflict, naming the earlier retry).
    /// </exception>
    public Task<ExecutionSummary> RetryAsync(Guid executionId, RetryFrom from, Actor actor, CancellationToken ct) =>
        StartRetryAsync(executionId, from, againAnyway: false, actor, ct);

    /// <summary>Retries a run even though it was retried before: for a person who has seen the warning, or <c>force=true</c>.</summary>
    public Task<ExecutionSummary> RetryAgainAsync(Guid executionId, RetryFrom from, Actor actor, CancellationToken ct) =>
        StartRetryAsync(executionId, from, againAnyway: true, actor, ct);

    private async Task<ExecutionSummary> StartRetryAsync(Guid executionId, RetryFrom from, bool againAnyway, Actor actor, CancellationToken ct)
    {
        await _oneRetryAtATime.WaitAsync(ct);
        try
        {
            return await StartOneRetryAsync(executionId, from, againAnyway, actor, ct);
        }
        finally
        {
            _oneRetryAtATime.Release();
        }
    }

    private async Task<ExecutionSummary> StartOneRetryAsync(Guid executionId, RetryFrom from, bool againAnyway, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var original = await LoadRetryableAsync(db, executionId, from, ct);
        if (!againAnyway && EarlierRetry.Describe(await EarlierRetriesAsync(db, original, ct)) is { } warning)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Already retried",
                $"{warning} Execution {executionId} was retried before: look at that run first, or retry again with force=true.");
        }
        var reuse = from == RetryFrom.Failed
            ? original.Steps.Where(s => s.Status == StepStatus.Succeeded).ToDictionary(s => s.StepId, StringComparer.Ordinal)
            : null;
        original.DeadLetterOutcome ??= from == RetryFrom.Failed ? DeadLetterOutcomes.Resumed : DeadLetterOutcomes.Replayed;
        original.DeadLetterClosedAt ??= time.GetUtcNow();
        audit.Record(db, actor, "execution.retry", $"execution:{executionId}", new { from = from.ToString().ToLowerInvariant() });
        return await launcher.StartRetryAsync(db, original, reuse, actor, ct);
    }

    /// <summary>Takes a failed run off the dead-letter list without running it again.</summary>
    public async Task<ExecutionSummary> DiscardAsync(Guid executionId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var execution = await db.Executions.SingleOrDefaultAsync(e => e.Id == executionId, ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Execution not found", $"There is no execution {executionId}.");
        if (!IsDeadLetterStatus(execution.Status) || execution.DeadLetterOutcome is not null)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Not a dead letter",
                $"Execution {executionId} is {execution.Status}{(execution.DeadLetterOutcome is { } done ? $" and was already {done}" : "")}: only a failed run waiting in dead letters can be discarded.");
        }
        execution.DeadLetterOutcome = DeadLetterOutcomes.Discarded;
        execution.DeadLetterClosedAt = time.GetUtcNow();
        audit.Record(db, actor, "execution.discard", $"execution:{executionId}", null);
        await ExecutionEventLog.SaveChangesAsync(db, time.GetUtcNow(), ct);
        var summary = ExecutionSummary.From(execution);
        await events.ExecutionChangedAsync(summary, ct);
        return summary;
    }

    /// <summary>Failed and timed-out runs are dead letters until someone replays, resumes or discards them.</summary>
    public static bool IsDeadLetterStatus(ExecutionStatus status) => status is ExecutionStatus.Failed or ExecutionStatus.TimedOut;

    private static async Task<Execution> LoadRetryableAsync(DeskDbContext db, Guid executionId, RetryFrom from, CancellationToken ct)
    {
        var execution = await db.Executions.Include(e => e.Steps).SingleOrDefaultAsync(e => e.Id == executionId, ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Execution not found", $"There is no execution {executionId}.");
        if (execution.Status is not (ExecutionStatus.Failed or ExecutionStatus.TimedOut or ExecutionStatus.Cancelled))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "The run cannot be retried",
                $"Execution {executionId} is {execution.Status}: only a failed, timed-out or cancelled run can be retried.");
        }
        if (execution.DraftDefinitionJson is not null)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "The run cannot be retried",
                "A test run of an unsaved draft cannot be retried: run the test again from the editor.");
        }
        if (from == RetryFrom.Failed && !execution.Steps.Any(s => s.Status is StepStatus.Failed or StepStatus.Cancelled or StepStatus.Pending))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Nothing to resume", $"Execution {executionId} has no failed step to resume from: replay it from the start.");
        }
        return execution;
    }

    /// <summary>The plan over the workflow as it is now (a retry runs the current version).</summary>
    private RetryPlan Plan(Execution original, CompiledWorkflow compiled, RetryFrom from, IReadOnlyList<EarlierRetry> earlier)
    {
        var was = original.Steps.ToDictionary(s => s.StepId, StringComparer.Ordinal);
        return new RetryPlan(original.Id, from, compiled.Definition.Steps.Select(step =>
        {
            var status = was.GetValueOrDefault(step.Id)?.Status ?? StepStatus.Pending;
            var name = step.Name ?? registry.Find(step.Type)?.Label ?? step.Type;
            return new RetryPlanStep(step.Id, name, step.Type, status, from == RetryFrom.Start || status != StepStatus.Succeeded, HasSideEffects(step));
        }).ToList(), earlier);
    }

    /// <summary>A step reaches the outside world unless its type is pure or it is an HTTP read.</summary>
    private bool HasSideEffects(Workflows.StepDefinition step)
    {
        if (registry.Find(step.Type) is not { HasSideEffects: true })
        {
            return false;
        }
        if (step.Type == "http.request")
        {
            var method = step.Config["method"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : "GET";
            return !ReadOnlyHttpMethods.Contains(method.ToUpperInvariant());
        }
        return true;
    }

    public void Dispose() => _oneRetryAtATime.Dispose();
}
