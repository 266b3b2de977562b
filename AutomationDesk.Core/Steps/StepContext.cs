using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// What a running step knows of its run. Log rows are kept here and written with the step's checkpoint.
/// <paramref name="originExecutionId"/> is the first run of a replayed or resumed run's chain of retries
/// (<see cref="Execution.Execution.OriginExecutionId"/>); null for a run that is not a retry.
/// </summary>
public sealed class StepContext(Guid executionId, Guid workflowId, string stepId, int attempt, Guid? originExecutionId = null)
{
    private readonly ConcurrentQueue<StepLogEntry> _logs = new();

    public Guid ExecutionId { get; } = executionId;
    public Guid WorkflowId { get; } = workflowId;
    public string StepId { get; } = stepId;
    public int Attempt { get; } = attempt;

    /// <summary>The run whose idempotency keys this run sends: the first of its chain of retries, or itself.</summary>
    public Guid OriginExecutionId { get; } = originExecutionId ?? executionId;

    /// <summary>
    /// <c>{originExecutionId}:{stepId}</c>: the same for this step on every attempt, and in every replay or resume of the
    /// run, so a receiver can tell a repeat from a new request.
    /// </summary>
    public string IdempotencyKey => $"{OriginExecutionId}:{StepId}";

    /// <summary>The run's correlation id, which the runs it starts (sub-workflows) share.</summary>
    public string CorrelationId { get; init; } = "";

    /// <summary>
    /// What the step's templates were resolved against (trigger, steps, vars…), for a step that resolves some of its
    /// config itself, later or per item (<c>foreach</c>'s <c>input</c>). Read it only; never change it.
    /// </summary>
    public JsonObject TemplateScope { get; init; } = [];

    /// <summary>Masks the run's secrets in what a step writes itself (records, notifications); the runner masks the rest.</summary>
    public SecretMasker Masker { get; init; } = SecretMasker.None;

    /// <summary>
    /// How long this attempt may take (the step's <c>timeout</c>, else its type's default, else the engine's), for a
    /// step that bounds its own work by it (a code step's script); null when the runner does not say.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    public void Log(LogLevelName level, string message, JsonNode? data = null) => _logs.Enqueue(new StepLogEntry(level, message, data));

    internal IReadOnlyCollection<StepLogEntry> DrainLogs()
    {
        var drained = new List<StepLogEntry>();
        while (_logs.TryDequeue(out var entry))
        {
            drained.Add(entry);
        }
        return drained;
    }
}

public sealed record StepLogEntry(LogLevelName Level, string Message, JsonNode? Data);
