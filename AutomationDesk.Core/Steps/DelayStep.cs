using System.Globalization;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Waits for a duration or until a time. The run goes <c>Waiting</c> and is dispatched again when due: no thread
/// sleeps, and the wait survives a restart because the due time is in the database.
/// </summary>
[StepType("delay", Label = "Delay")]
public sealed class DelayStep(TimeProvider time) : IStep<DelayConfig>
{
    public Task<StepResult> ExecuteAsync(DelayConfig config, StepContext context, CancellationToken ct)
    {
        var until = config.Until ?? time.GetUtcNow() + config.Duration!.Value;
        return Task.FromResult(StepResult.Wait(until, new JsonObject { ["waitedUntil"] = until.ToString("O", CultureInfo.InvariantCulture) }));
    }
}

public sealed record DelayConfig : IValidatableConfig
{
    /// <summary>How long to wait, e.g. "00:05:00" or "PT5M".</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Or a moment to wait for (ISO 8601).</summary>
    public DateTimeOffset? Until { get; init; }

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if ((Duration is null) == (Until is null))
        {
            yield return ("duration", "Give either 'duration' or 'until'.");
        }
        if (Duration is { } d && d > TimeSpan.FromDays(366))
        {
            yield return ("duration", "At most 366 days.");
        }
    }
}
