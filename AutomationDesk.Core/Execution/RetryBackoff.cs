using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// When a step's next attempt is due. Exponential doubles the initial delay after each failed attempt, fixed keeps
/// it; either is capped at the maximum, then jittered by ±20% so runs that failed together do not retry together.
/// A <c>Retry-After</c> from the other side is honoured when it asks for longer.
/// </summary>
public static class RetryBackoff
{
    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(5);

    /// <param name="failedAttempt">The attempt that just failed, from 1.</param>
    /// <param name="jitter">A number in [0, 1); <see cref="Random.Shared"/> in the engine, fixed in tests.</param>
    public static TimeSpan Delay(RetryPolicy policy, int failedAttempt, TimeSpan? retryAfter, double jitter)
    {
        var initial = policy.InitialDelay ?? DefaultInitialDelay;
        var max = policy.MaxDelay ?? DefaultMaxDelay;
        var factor = policy.Backoff == "fixed" ? 1 : Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var planned = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * factor, max.Ticks));
        var jittered = TimeSpan.FromTicks((long)(planned.Ticks * (0.8 + (0.4 * jitter))));
        if (jittered > max)
        {
            jittered = max;
        }
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
