using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// What a step returns: its output, or a time to wake up at (a durable wait, no sleeping thread), or a wait for a
/// person's decision (the run goes <c>Paused</c>; <see cref="WaitUntil"/> is then when the default decision applies),
/// or a wait for child runs (<see cref="IResumableStep{TConfig}"/>), or the end of the whole run (<see cref="Stop"/>).
/// </summary>
public sealed record StepResult(JsonNode? Output, DateTimeOffset? WaitUntil = null, bool AwaitsDecision = false, bool AwaitsChildren = false,
    RunStop? Stop = null)
{
    public static StepResult Done(JsonNode? output) => new(output);

    public static StepResult Wait(DateTimeOffset until, JsonNode? output = null) => new(output, until);

    public static StepResult AwaitDecision(DateTimeOffset? until) => new(null, until, AwaitsDecision: true);

    /// <summary>Waits until the run is woken by a child run's end; <paramref name="progress"/> is shown as the step's output meanwhile.</summary>
    public static StepResult WaitForChildren(JsonNode? progress) => new(progress, AwaitsChildren: true);

    /// <summary>Ends the run now, succeeded or failed with <paramref name="message"/>; the steps not yet run are skipped.</summary>
    public static StepResult StopRun(bool failed, string message, JsonNode? output) => new(output, Stop: new RunStop(failed, message));
}

/// <summary>How a <c>stop</c> step ends its run.</summary>
public sealed record RunStop(bool Failed, string Message);
