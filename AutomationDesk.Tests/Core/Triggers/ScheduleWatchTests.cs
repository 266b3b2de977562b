using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using System.Text.Json.Nodes;
using static AutomationDesk.Tests.Core.Triggers.ScheduleFiringTests;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class ScheduleWatchTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private ScheduleWatch Watch => _desk.Get<ScheduleWatch>();

    [Fact]
    public async Task Misfire_skip_records_each_fire_the_desk_slept_through_and_runs_none()
    {
        var id = await _desk.SaveAsync(Scheduled("Sleeper", EveryMinute(misfire: "skip")));
        _desk.Time.Advance(TimeSpan.FromMinutes(10.5));

        var caughtUp = await Watch.CatchUpAsync(CancellationToken.None);

        Assert.Equal(1, caughtUp);
        var missed = await RunsAsync(id);
        Assert.Equal(10, missed.Count);
        Assert.All(missed, m => Assert.Equal(ExecutionStatus.Missed, m.Status));
        Assert.All(missed, m => Assert.StartsWith("The desk was not running at 2026-03-02 09:", m.ErrorHuman, StringComparison.Ordinal));
        var notification = Assert.Single(await NotificationsAsync(id));
        Assert.Contains("missed 10 fires while the desk was down", notification.Title, StringComparison.Ordinal);
        Assert.Contains("misfire: skip", notification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Misfire_run_once_records_the_missed_fires_and_starts_one_run_now()
    {
        var id = await _desk.SaveAsync(Scheduled("Catcher", EveryMinute(misfire: "runOnce")));
        _desk.Time.Advance(TimeSpan.FromMinutes(10.5));

        await Watch.CatchUpAsync(CancellationToken.None);

        var runs = await RunsAsync(id);
        Assert.Equal(10, runs.Count(r => r.Status == ExecutionStatus.Missed));
        var started = Assert.Single(runs, r => r.Status == ExecutionStatus.Queued);
        Assert.Contains(_desk.Dispatcher.History, d => d.ExecutionId == started.Id);
        Assert.Contains("One run was started now", Assert.Single(await NotificationsAsync(id)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_outage_keeps_the_last_hundred_missed_fires_and_counts_them_all()
    {
        var id = await _desk.SaveAsync(Scheduled("Secondly", new JsonObject { ["every"] = "00:00:01", ["timezone"] = "UTC" }));
        _desk.Time.Advance(TimeSpan.FromHours(1));

        await Watch.CatchUpAsync(CancellationToken.None);

        var missed = await RunsAsync(id);
        Assert.Equal(ScheduleFiring.MaxMissedRows, missed.Count);
        Assert.Equal(CoreDesk.Epoch.AddHours(1), missed.Max(m => m.CreatedAt));
        Assert.Contains("missed 3600 fires", Assert.Single(await NotificationsAsync(id)).Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_watch_records_fires_whose_job_never_ran_once_the_grace_has_passed()
    {
        var id = await _desk.SaveAsync(Scheduled("Lost", EveryMinute()));
        _desk.Time.Advance(TimeSpan.FromMinutes(5));

        await Watch.WatchAsync(CancellationToken.None);
        await Watch.WatchAsync(CancellationToken.None);

        var missed = await RunsAsync(id);
        Assert.Equal(4, missed.Count);
        Assert.All(missed, m => Assert.Contains("its job was lost", m.ErrorHuman, StringComparison.Ordinal));
        Assert.Contains("missed 4 fires", Assert.Single(await NotificationsAsync(id)).Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_watch_leaves_a_fire_alone_while_it_is_within_the_grace()
    {
        var id = await _desk.SaveAsync(Scheduled("Punctual", EveryMinute()));
        _desk.Time.Advance(TimeSpan.FromMinutes(1) + ScheduleWatch.Grace - TimeSpan.FromSeconds(1));

        await Watch.WatchAsync(CancellationToken.None);

        Assert.Empty(await RunsAsync(id));
        Assert.Equal(FireOutcome.Started, (await _desk.Get<ScheduleFiring>().FireAsync(id, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Alert_after_raises_one_notification_for_a_silent_schedule_until_it_succeeds_again()
    {
        var schedule = new JsonObject { ["cron"] = "0 0 1 1 *", ["timezone"] = "UTC", ["alertAfter"] = "01:00:00" };
        var id = await _desk.SaveAsync(Scheduled("Yearly", schedule));
        _desk.Time.Advance(TimeSpan.FromMinutes(59));
        await Watch.WatchAsync(CancellationToken.None);
        var beforeTheHour = await SilenceAlertsAsync(id);

        _desk.Time.Advance(TimeSpan.FromMinutes(2));
        await Watch.WatchAsync(CancellationToken.None);
        await Watch.WatchAsync(CancellationToken.None);
        var afterTheHour = await SilenceAlertsAsync(id);

        await _desk.StartAsync(id);
        await _desk.RunDueWorkAsync();
        await Watch.WatchAsync(CancellationToken.None);
        await using (var db = _desk.NewDb())
        {
            Assert.Null((await db.ScheduleStates.SingleAsync(s => s.WorkflowId == id)).SilenceAlertedAt);
        }
        _desk.Time.Advance(TimeSpan.FromMinutes(61));
        await Watch.WatchAsync(CancellationToken.None);

        Assert.Equal(0, beforeTheHour);
        Assert.Equal(1, afterTheHour);
        Assert.Equal(2, await SilenceAlertsAsync(id));
    }

    private async Task<List<global::AutomationDesk.Core.Execution.Execution>> RunsAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        return await db.Executions.AsNoTracking().Where(e => e.WorkflowId == workflowId).OrderBy(e => e.CreatedAt).ToListAsync();
    }

    private async Task<List<Notification>> NotificationsAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        return await db.Notifications.AsNoTracking().Where(n => n.WorkflowId == workflowId).ToListAsync();
    }

    private async Task<int> SilenceAlertsAsync(Guid workflowId) =>
        (await NotificationsAsync(workflowId)).Count(n => n.Title.Contains("has not succeeded", StringComparison.Ordinal));
}
