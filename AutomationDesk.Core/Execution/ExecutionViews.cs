using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// An execution as lists and the live channel show it. A sub-workflow's run names the step that started it
/// (<see cref="ParentStepId"/>) and, for a foreach, its item (<see cref="ItemIndex"/>), so a list can show or hide item runs.
/// </summary>
public sealed record ExecutionSummary(
    Guid Id, Guid WorkflowId, string WorkflowName, int WorkflowVersion, ExecutionStatus Status, int Progress,
    string? CurrentStepId, string TriggerKind, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    long? DurationMs, string? ErrorHuman, string CorrelationId, Guid? ParentExecutionId, string? ParentStepId, int? ItemIndex, bool DryRun)
{
    public static ExecutionSummary From(Execution e) => new(
        e.Id, e.WorkflowId, e.WorkflowName, e.WorkflowVersion, e.Status, e.Progress, e.CurrentStepId, e.TriggerKind,
        e.CreatedAt, e.StartedAt, e.FinishedAt, e.DurationMs, e.ErrorHuman, e.CorrelationId, e.ParentExecutionId, e.ParentStepId, e.ItemIndex,
        e.DryRun);
}

/// <summary>
/// Where a run's time went: queued (accepted until a worker first took it), running (on a worker) and waiting (delays,
/// approvals, children, retries, paused). Null while not yet known.
/// </summary>
public sealed record RunTimings(long? QueuedMs, long? RunningMs, long WaitingMs)
{
    public static RunTimings From(Execution e) => new(
        e.StartedAt is { } started ? (long)(started - e.CreatedAt).TotalMilliseconds : null,
        e.DurationMs is { } duration ? Math.Max(0, duration - e.WaitingMs) : null,
        e.WaitingMs);
}

public sealed record TriggerView(string Kind, JsonNode? Input);

/// <summary>An execution with every step: the API's execution detail.</summary>
public sealed record ExecutionDetail(
    Guid Id, Guid WorkflowId, string WorkflowName, int WorkflowVersion, ExecutionStatus Status, int Progress,
    string? CurrentStepId, TriggerView Trigger, IReadOnlyDictionary<string, string> Keys, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, long? DurationMs, JsonNode? Output, string? ErrorHuman,
    string? ErrorTech, string CorrelationId, Guid? ParentExecutionId, int Attempt, IReadOnlyList<StepRunView> Steps, bool DryRun,
    RunTimings Timings)
{
    /// <summary>Tokens the run's <c>ai.prompt</c> steps cost, summed from their outputs; null when the run asked no AI.</summary>
    public AiTokenUsage? Usage => AiTokenUsage.Sum(Steps);

    /// <summary>For a failed run: what to do about each failed step, read from its error; empty for any other run.</summary>
    public IReadOnlyList<Preflight.RecommendedAction> Actions => Preflight.RecommendedActions.For(this);

    public static ExecutionDetail From(Execution e) => new(
        e.Id, e.WorkflowId, e.WorkflowName, e.WorkflowVersion, e.Status, e.Progress, e.CurrentStepId,
        new TriggerView(e.TriggerKind, StoredJson.Parse(e.TriggerInputJson)), e.Keys.ToDictionary(k => k.Name, k => k.Value), e.CreatedAt,
        e.StartedAt, e.FinishedAt, e.DurationMs, StoredJson.Parse(e.OutputJson), e.ErrorHuman, e.ErrorTech, e.CorrelationId,
        e.ParentExecutionId, e.Attempt, e.Steps.OrderBy(s => s.Position).Select(StepRunView.From).ToList(), e.DryRun, RunTimings.From(e));
}

/// <summary>One step of an execution, as the detail and the live channel show it.</summary>
public sealed record StepRunView(
    Guid ExecutionId, string StepId, string Type, string Name, StepStatus Status, int Attempts, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, long? DurationMs, JsonNode? Input, JsonNode? Output, string? ErrorHuman, string? ErrorTech)
{
    public static StepRunView From(StepRun s) => new(
        s.ExecutionId, s.StepId, s.Type, s.Name, s.Status, s.Attempts, s.StartedAt, s.FinishedAt, s.DurationMs,
        StoredJson.Parse(s.InputJson), StoredJson.Parse(s.OutputJson), s.ErrorHuman, s.ErrorTech);
}

public sealed record ExecutionLogView(long Id, DateTimeOffset Time, LogLevelName Level, LogDomain Domain, string? StepId, string Message, JsonNode? Data)
{
    public static ExecutionLogView From(ExecutionLog l) => new(l.Id, l.Time, l.Level, l.Domain, l.StepId, l.Message, StoredJson.Parse(l.DataJson));
}

/// <summary>JSON kept as text in a column.</summary>
/// <summary>JSON the desk wrote itself: outputs, inputs, trigger payloads.</summary>
public static class StoredJson
{
    // Deeper than what the desk accepts from outside (64): a step's output may wrap what it was given a few times.
    private const int MaxDepth = 256;
    // Stored as written (a date's +00:00, not \u002B00:00), as DeskJson writes: the text is read back as JSON, never put in a page raw.
    private static readonly JsonSerializerOptions WriteOptions = new() { MaxDepth = MaxDepth, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = MaxDepth };

    public static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json, documentOptions: ReadOptions);

    public static string? Write(JsonNode? node) => node?.ToJsonString(WriteOptions);
}
