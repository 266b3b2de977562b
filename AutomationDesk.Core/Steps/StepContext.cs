using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;

namespace AutomationDesk.Core.Steps;

/// <summary>What a running step knows of its run. Log rows are kept here and written with the step's checkpoint.</summary>
public sealed class StepContext(Guid executionId, Guid workflowId, string stepId, int attempt)
{
    private readonly ConcurrentQueue<StepLogEntry> _logs = new();

    public Guid ExecutionId { get; } = executionId;
    public Guid WorkflowId { get; } = workflowId;
    public string StepId { get; } = stepId;
    public int Attempt { get; } = attempt;

    /// <summary>Masks the run's secrets in what a step writes itself (records, notifications); the runner masks the rest.</summary>
    public SecretMasker Masker { get; init; } = SecretMasker.None;

    /// <summary>A value that stays the same for this step of this run across retries and resumes.</summary>
    public string IdempotencyKey => $"{ExecutionId}:{StepId}";

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
