using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>Builds a value from templates: the resolved <c>value</c> is the output.</summary>
[StepType("transform", Label = "Transform", Category = StepCategory.Data, Summary = "Builds a new value from templates over the trigger and earlier outputs.")]
public sealed class TransformStep : IStep<TransformConfig>
{
    public Task<StepResult> ExecuteAsync(TransformConfig config, StepContext context, CancellationToken ct) =>
        Task.FromResult(StepResult.Done(config.Value?.DeepClone()));
}

public sealed record TransformConfig
{
    /// <summary>Any JSON; templates inside it are resolved before the step runs.</summary>
    public JsonNode? Value { get; init; }
}
