using System.Globalization;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Waits for a duration or until a time. The run goes <c>Waiting</c> and is dispatched again when due: no thread
/// sleeps, and the wait survives a restart because the due time is in the database.
/// </summary>
[StepType("delay", Label = "Delay", Category = StepCategory.Flow, Summary = "Waits for a while or until a given time.")]
public sealed class DelayStep(TimeProvider time) : IStep<DelayConfig>
{
    public Task<StepResult> ExecuteAsync(DelayConfig config, StepContext context, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // A literal 'until' was checked at save; one that came from a template is checked here, once resolved.
        if (config.Until is { } resolved && new WithinYearsAttribute(DelayConfig.MaxYearsAhead).Check(resolved, now) is { } problem)
        {
            throw new StepConfigException([("config.until", problem)]);
        }
        var until = config.Until ?? now + config.Duration!.Value;
        return Task.FromResult(StepResult.Wait(until, new JsonObject { ["waitedUntil"] = until.ToString("O", CultureInfo.InvariantCulture) }));
    }
}

public sealed record DelayConfig : IValidatableConfig
{
    public const int MaxYearsAhead = 10;
    public const double MaxDurationSeconds = 366 * 24 * 3600;

    /// <summary>How long to wait, e.g. "00:05:00" or "PT5M".</summary>
    [DurationRange(MaxDurationSeconds)]
    public TimeSpan? Duration { get; init; }

    /// <summary>Or a moment to wait for (ISO 8601), at most ten years ahead.</summary>
    [WithinYears(MaxYearsAhead)]
    public DateTimeOffset? Until { get; init; }

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if ((Duration is null) == (Until is null))
        {
            yield return ("duration", "Give either 'duration' or 'until'.");
        }
        if (Duration is { } d && d > TimeSpan.FromSeconds(MaxDurationSeconds))
        {
            yield return ("duration", "At most 366 days.");
        }
    }
}
