namespace AutomationDesk.Tests.Crash;

/// <summary>Polls a condition until it holds, with a bounded wait: the child desk is a process, with no events to wait on.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, Func<string> failure)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail(failure());
            }
            await Task.Delay(Interval, CancellationToken.None);
        }
    }
}
