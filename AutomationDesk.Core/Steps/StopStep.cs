using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Ends the run at once, succeeded or failed, with a message: the steps not yet run are <c>Skipped</c> and the steps
/// still running on other branches are cancelled. Put a <c>when</c> on it ("nothing to do today"); when its condition
/// does not hold it is skipped and the steps after it run as if it were not there.
/// </summary>
[StepType(TypeName, Label = "Stop", Category = StepCategory.Flow, Summary = "Ends the run here, as succeeded or failed, with a message.")]
public sealed class StopStep : IStep<StopConfig>
{
    public const string TypeName = "stop";

    public Task<StepResult> ExecuteAsync(StopConfig config, StepContext context, CancellationToken ct)
    {
        var failed = config.Status == StopConfig.Failed;
        var output = new JsonObject { ["status"] = config.Status, ["message"] = config.Message };
        return Task.FromResult(StepResult.StopRun(failed, config.Message, output));
    }
}

public sealed record StopConfig : IValidatableConfig
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary><c>succeeded</c> or <c>failed</c>: how the run ends.</summary>
    [OneOf(Succeeded, Failed)]
    public string Status { get; init; } = Succeeded;

    /// <summary>Why the run stopped, shown on the run (and as its error when it fails).</summary>
    public string Message { get; init; } = "Stopped.";

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (Status is not (Succeeded or Failed))
        {
            yield return ("status", "Must be succeeded or failed.");
        }
        if (string.IsNullOrWhiteSpace(Message) || Message.Length > 2000)
        {
            yield return ("message", "A message is 1 to 2000 characters.");
        }
    }
}
