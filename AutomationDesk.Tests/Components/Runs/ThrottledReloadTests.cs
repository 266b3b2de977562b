using AutomationDesk.Web.Components.Pages.Executions;
using Microsoft.Extensions.Time.Testing;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class ThrottledReloadTests
{
    [Fact]
    public async Task A_burst_of_requests_during_a_reload_causes_one_more_reload_after_the_interval()
    {
        var time = new FakeTimeProvider();
        var firstDone = new TaskCompletionSource();
        var reloads = 0;
        var reload = new ThrottledReload(async () =>
        {
            reloads++;
            if (reloads == 1)
            {
                await firstDone.Task;
            }
        }, time, TimeSpan.FromSeconds(1));

        var first = reload.RequestAsync();
        var coalesced = Enumerable.Range(0, 5).Select(_ => reload.RequestAsync()).ToList();
        firstDone.SetResult();

        Assert.All(coalesced, t => Assert.True(t.IsCompleted));
        Assert.Equal(1, reloads);
        time.Advance(TimeSpan.FromSeconds(1));
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, reloads);
    }
}
