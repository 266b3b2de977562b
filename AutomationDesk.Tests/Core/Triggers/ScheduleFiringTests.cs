using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class ScheduleFiringTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private ScheduleFiring Firing => _desk.Get<ScheduleFiring>();

    internal static JsonObject Scheduled(string name, JsonObject schedule)
    {
        var workflow = Workflow(name, Transform("say", "done"));
        workflow["trigger"] = new JsonObject { ["type"] = "schedule", ["schedule"] = schedule };
        return workflow;
    }

    internal static JsonObject EveryMinute(string overlap = "skip", string misfire = "skip") =>
        new() { ["cron"] = "* * * * *", ["timezone"] = "UTC", ["overlap"] = overlap, ["misfire"] = misfire };

    [Fact]
    public async Task Saving_a_schedule_starts_counting_its_fires_from_that_moment()
    {
        var id = await _desk.SaveAsync(Scheduled("Minutely", EveryMinute()));

        var state = await StateAsync(id);
        Assert.Equal(CoreDesk.Epoch, state.LastFireAt);
        Assert.False(state.Paused);
    }

    [Fact]
    public async Task A_fire_at_its_due_time_starts_a_run_with_the_scheduled_and_fired_times()
    {
        var id = await _desk.SaveAsync(Scheduled("Minutely", EveryMinute()));
        _desk.Time.Advance(TimeSpan.FromMilliseconds(60_400));

        var fired = await Firing.FireAsync(id, CancellationToken.None);

        Assert.Equal(FireOutcome.Started, fired.Outcome);
        var run = await _desk.ExecutionAsync(fired.ExecutionId!.Value);
        Assert.Equal(TriggerTypes.Schedule, run.TriggerKind);
        var input = JsonNode.Parse(run.TriggerInputJson)!;
        Assert.Equal(CoreDesk.Epoch.AddMinutes(1), input["scheduledAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(CoreDesk.Epoch.AddMilliseconds(60_400), input["firedAt"]!.GetValue<DateTimeOffset>());
        var state = await StateAsync(id);
        Assert.Equal(CoreDesk.Epoch.AddMinutes(1), state.LastFireAt);
        Assert.Equal(run.Id, state.LastExecutionId);
        Assert.Contains(_desk.Events.Schedules, s => s.WorkflowId == id);
    }

    [Fact]
    public async Task A_repeated_or_early_fire_starts_nothing()
    {
        var id = await _desk.SaveAsync(Scheduled("Minutely", EveryMinute()));
        _desk.Time.Advance(TimeSpan.FromSeconds(30));
        var early = await Firing.FireAsync(id, CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromSeconds(30));
        var first = await Firing.FireAsync(id, CancellationToken.None);

        var repeat = await Firing.FireAsync(id, CancellationToken.None);

        Assert.Equal(FireOutcome.NothingDue, early.Outcome);
        Assert.Equal(FireOutcome.Started, first.Outcome);
        Assert.Equal(FireOutcome.NothingDue, repeat.Outcome);
        Assert.Equal(1, await RunCountAsync(id));
    }

    [Fact]
    public async Task Overlap_skip_writes_a_skipped_row_that_names_the_run_still_going()
    {
        var id = await _desk.SaveAsync(Scheduled("Skipper", EveryMinute("skip")));
        _desk.Time.Advance(TimeSpan.FromMinutes(1));
        var first = await Firing.FireAsync(id, CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromMinutes(1));
        var dispatchesBefore = _desk.Dispatcher.History.Count;

        var second = await Firing.FireAsync(id, CancellationToken.None);

        Assert.Equal(FireOutcome.Skipped, second.Outcome);
        var skipped = await _desk.ExecutionAsync(second.ExecutionId!.Value);
        Assert.Equal(ExecutionStatus.Skipped, skipped.Status);
        Assert.Contains(first.ExecutionId!.Value.ToString(), skipped.ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("overlap: skip", skipped.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(dispatchesBefore, _desk.Dispatcher.History.Count);
    }

    [Fact]
    public async Task Overlap_queue_holds_the_run_until_the_one_ahead_has_ended()
    {
        var id = await _desk.SaveAsync(Scheduled("Queuer", EveryMinute("queue")));
        _desk.Time.Advance(TimeSpan.FromMinutes(1));
        var first = await Firing.FireAsync(id, CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromMinutes(1));

        var second = await Firing.FireAsync(id, CancellationToken.None);
        await Firing.ReleaseHeldAsync(id, CancellationToken.None);

        Assert.Equal(FireOutcome.Held, second.Outcome);
        Assert.DoesNotContain(_desk.Dispatcher.History, d => d.ExecutionId == second.ExecutionId);
        Assert.Equal(ExecutionStatus.Queued, (await _desk.ExecutionAsync(second.ExecutionId!.Value)).Status);
        // Not after a restart either: recovery leaves it alone, and a stray job could not claim it.
        await _desk.Get<ExecutionRecovery>().RecoverAsync(CancellationToken.None);
        Assert.DoesNotContain(_desk.Dispatcher.History, d => d.ExecutionId == second.ExecutionId);
        Assert.False(await _desk.Get<WorkflowRunner>().RunAsync(second.ExecutionId!.Value, CancellationToken.None));

        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(first.ExecutionId!.Value)).Status);
        Assert.True(await Firing.ReleaseHeldAsync(id, CancellationToken.None));
        await _desk.RunDueWorkAsync();

        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(second.ExecutionId.Value)).Status);
    }

    [Fact]
    public async Task Overlap_allow_starts_a_second_run_beside_the_first()
    {
        var id = await _desk.SaveAsync(Scheduled("Allower", EveryMinute("allow")));
        _desk.Time.Advance(TimeSpan.FromMinutes(1));
        await Firing.FireAsync(id, CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromMinutes(1));

        var second = await Firing.FireAsync(id, CancellationToken.None);

        Assert.Equal(FireOutcome.Started, second.Outcome);
        Assert.Contains(_desk.Dispatcher.History, d => d.ExecutionId == second.ExecutionId);
        Assert.Equal(2, await RunCountAsync(id, ExecutionStatus.Queued));
    }

    [Fact]
    public async Task A_late_fire_runs_the_latest_due_time_and_records_the_ones_it_slept_through()
    {
        var id = await _desk.SaveAsync(Scheduled("Late", EveryMinute()));
        _desk.Time.Advance(TimeSpan.FromMinutes(3));

        var fired = await Firing.FireAsync(id, CancellationToken.None);

        Assert.Equal(FireOutcome.Started, fired.Outcome);
        Assert.Equal(2, await RunCountAsync(id, ExecutionStatus.Missed));
        Assert.Equal(CoreDesk.Epoch.AddMinutes(3), (await StateAsync(id)).LastFireAt);
    }

    [Fact]
    public async Task A_paused_schedule_does_not_fire_and_the_time_it_was_paused_is_not_missed()
    {
        var id = await _desk.SaveAsync(Scheduled("Pausable", EveryMinute()));
        var actions = _desk.Get<ScheduleActions>();
        var paused = await actions.SetPausedAsync(id, true, Actor.User("tester@desk.test"), CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromMinutes(10));

        var whilePaused = await Firing.FireAsync(id, CancellationToken.None);
        await actions.SetPausedAsync(id, false, Actor.User("tester@desk.test"), CancellationToken.None);
        await _desk.Get<ScheduleWatch>().WatchAsync(CancellationToken.None);

        Assert.True(paused!.Paused);
        Assert.Empty(paused.NextRuns);
        Assert.Equal(FireOutcome.NothingDue, whilePaused.Outcome);
        Assert.Equal(0, await RunCountAsync(id));
        Assert.Equal(CoreDesk.Epoch.AddMinutes(10), (await StateAsync(id)).LastFireAt);
        await using var db = _desk.NewDb();
        Assert.Equal(["schedule.pause", "schedule.resume"], await db.AuditEvents.Where(a => a.Target == $"workflow:{id}" && a.Action.StartsWith("schedule."))
            .OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task Disabling_a_schedule_stops_its_fires_and_enabling_it_counts_from_then()
    {
        var id = await _desk.SaveAsync(Scheduled("Switchable", EveryMinute()));
        var store = _desk.Get<WorkflowStore>();
        await store.SetEnabledAsync(id, false, Actor.User("tester@desk.test"), CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromMinutes(5));

        var whileDisabled = await Firing.FireAsync(id, CancellationToken.None);
        await store.SetEnabledAsync(id, true, Actor.User("tester@desk.test"), CancellationToken.None);

        Assert.Equal(FireOutcome.NothingDue, whileDisabled.Outcome);
        Assert.Equal(CoreDesk.Epoch.AddMinutes(5), (await StateAsync(id)).LastFireAt);
    }

    [Fact]
    public async Task A_new_cron_counts_from_the_edit_not_from_the_old_cron_s_last_fire()
    {
        var hourly = new JsonObject { ["cron"] = "0 * * * *", ["timezone"] = "UTC" };
        var id = await _desk.SaveAsync(Scheduled("Reshaped", hourly));
        _desk.Time.Advance(TimeSpan.FromMinutes(30));
        await _desk.Get<WorkflowStore>().UpdateAsync(id, Scheduled("Reshaped", EveryMinute()).ToJsonString(), Actor.User("tester@desk.test"), CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromMinutes(1));

        var fired = await Firing.FireAsync(id, CancellationToken.None);

        Assert.Equal(FireOutcome.Started, fired.Outcome);
        Assert.Equal(0, await RunCountAsync(id, ExecutionStatus.Missed));
    }

    [Fact]
    public async Task Run_now_starts_a_run_of_a_schedule_and_refuses_a_workflow_that_is_not_one()
    {
        var id = await _desk.SaveAsync(Scheduled("Runnable", EveryMinute()));
        var manual = await _desk.SaveAsync(Workflow("Manual", Transform("say", "hi")));
        var actions = _desk.Get<ScheduleActions>();

        var started = await actions.RunNowAsync(id, Actor.User("tester@desk.test"), CancellationToken.None);
        var refused = await actions.RunNowAsync(manual, Actor.User("tester@desk.test"), CancellationToken.None);

        Assert.NotNull(started);
        Assert.Equal(TriggerTypes.Schedule, started.TriggerKind);
        Assert.Null(refused);
    }

    private async Task<ScheduleState> StateAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        return await db.ScheduleStates.AsNoTracking().SingleAsync(s => s.WorkflowId == workflowId);
    }

    private async Task<int> RunCountAsync(Guid workflowId, ExecutionStatus? status = null)
    {
        await using var db = _desk.NewDb();
        return await db.Executions.CountAsync(e => e.WorkflowId == workflowId && (status == null || e.Status == status));
    }
}
