using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>The run page's header says where the run's time went: queued, running and waiting.</summary>
public sealed class RunHeaderTimingsTests : RunsPageTest
{
    private static ExecutionDetail Finished(RunTimings timings) => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), "Timed", 1, ExecutionStatus.Succeeded, 100, null, new TriggerView("manual", null),
        new Dictionary<string, string>(), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(2), DateTimeOffset.UnixEpoch.AddSeconds(303.5),
        301_500, null, null, null, "c-1", null, 1, [], DryRun: false, timings);

    [Fact]
    public void The_header_shows_queued_running_and_waiting_time()
    {
        var cut = Render<RunHeader>(p => p.Add(c => c.Run, Finished(new RunTimings(2_000, 1_500, 300_000))));

        Assert.Equal("2 s", cut.Find("[data-testid=run-queued]").TextContent);
        Assert.Equal("1.5 s", cut.Find("[data-testid=run-running]").TextContent);
        Assert.Equal("5 min 0 s", cut.Find("[data-testid=run-waiting]").TextContent);
    }

    [Fact]
    public void A_figure_not_known_yet_shows_a_dash()
    {
        var cut = Render<RunHeader>(p => p.Add(c => c.Run, Finished(new RunTimings(null, null, 0))));

        Assert.Equal("—", cut.Find("[data-testid=run-queued]").TextContent);
        Assert.Equal("—", cut.Find("[data-testid=run-running]").TextContent);
        Assert.Equal("0 ms", cut.Find("[data-testid=run-waiting]").TextContent);
    }
}
