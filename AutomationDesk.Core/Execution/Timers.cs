namespace AutomationDesk.Core.Execution;

/// <summary>Spans handed to in-process timers, which take at most about 49.7 days.</summary>
internal static class Timers
{
    private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// The span as a timer can take it: a longer one never fires while this process lives, so it becomes infinite
    /// (a run or step whose time is up is still ended: the run's due time in the database is not bounded by this).
    /// </summary>
    public static TimeSpan Bounded(TimeSpan span) =>
        span > Longest ? Timeout.InfiniteTimeSpan : span < TimeSpan.Zero ? TimeSpan.Zero : span;
}
