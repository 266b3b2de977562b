using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class LongRunningWatchTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private async Task<int> NotificationsAboutAsync(Guid executionId)
    {
        await using var db = _desk.NewDb();
        return await db.Notifications.CountAsync(n => n.ExecutionId == executionId && n.Title.EndsWith("is taking long"));
    }

    [Fact]
    public async Task A_run_past_its_expected_duration_raises_one_notification()
    {
        var run = await _desk.RunAsync(Workflow(Delay("wait", TimeSpan.FromMinutes(30)))
            .WithSettings(new JsonObject { ["expectedDuration"] = "00:05:00" }));
        var watch = _desk.Get<LongRunningWatch>();

        _desk.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await watch.CheckAsync(CancellationToken.None));
        _desk.Time.Advance(TimeSpan.FromMinutes(2));
        await watch.CheckAsync(CancellationToken.None);
        await watch.CheckAsync(CancellationToken.None);

        Assert.Equal(1, await NotificationsAboutAsync(run.Id));
    }

    [Fact]
    public async Task Without_an_expected_duration_the_limit_is_three_times_the_p95_of_recent_successes()
    {
        var quick = Workflow(Delay("wait", TimeSpan.FromMinutes(1)));
        var workflowId = await _desk.SaveAsync(quick);
        for (var i = 0; i < LongRunningWatch.MinimumHistory; i++)
        {
            await _desk.StartAsync(workflowId);
            await _desk.RunDueWorkAsync();
            _desk.Time.Advance(TimeSpan.FromMinutes(1));
            await _desk.RunDueWorkAsync();
        }
        var slow = await _desk.StartAsync(workflowId);
        await _desk.RunDueWorkAsync();
        var watch = _desk.Get<LongRunningWatch>();

        // Runs take a minute, so three times their p95 is three minutes.
        _desk.Time.Advance(TimeSpan.FromSeconds(170));
        await watch.CheckAsync(CancellationToken.None);
        Assert.Equal(0, await NotificationsAboutAsync(slow));
        _desk.Time.Advance(TimeSpan.FromSeconds(20));
        await watch.CheckAsync(CancellationToken.None);
        Assert.Equal(1, await NotificationsAboutAsync(slow));
    }

    [Fact]
    public async Task A_workflow_without_history_or_expectation_is_never_called_long()
    {
        var run = await _desk.RunAsync(Workflow(Delay("wait", TimeSpan.FromDays(2))));

        _desk.Time.Advance(TimeSpan.FromDays(1));
        await _desk.Get<LongRunningWatch>().CheckAsync(CancellationToken.None);

        Assert.Equal(0, await NotificationsAboutAsync(run.Id));
    }
}
