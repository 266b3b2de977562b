using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

/// <summary>Every change of a run is stored as an event in its own commit, numbered 1, 2, 3… per run.</summary>
public sealed class ExecutionEventLogTests : IAsyncLifetime
{
    private static readonly Decider Editor = new(Actor.User("erin@desk.test"), "erin@desk.test", [DeskRoles.Editor]);
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private async Task<List<ExecutionEvent>> EventsAsync(Guid executionId)
    {
        await using var db = _desk.NewDb();
        return await db.ExecutionEvents.AsNoTracking().Where(e => e.ExecutionId == executionId).OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>The statuses the run announced, in order: each announcement must have its stored execution event.</summary>
    private List<ExecutionStatus> Announced(Guid executionId) =>
        _desk.Events.Executions.Where(e => e.Id == executionId).Select(e => e.Status).ToList();

    private static void AssertContiguous(List<ExecutionEvent> events)
    {
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(events.OrderBy(e => e.Id).Select(e => e.Sequence), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_three_step_run_stores_its_queued_steps_logs_and_end_in_order()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1), Transform("b", 2).DependsOn("a"), Transform("c", 3).DependsOn("b")));

        var events = await EventsAsync(execution.Id);
        AssertContiguous(events);
        Assert.Equal("execution.queued", events[0].EventType);
        Assert.Equal("execution.succeeded", events[^1].EventType);
        Assert.Equal(ExecutionStatus.Succeeded, events[^1].Status);
        Assert.Equal(100, events[^1].Progress);
        foreach (var step in new[] { "a", "b", "c" })
        {
            var stepEvents = events.Where(e => e.Kind == ExecutionEventKinds.Step && JsonNode.Parse(e.DataJson)!["stepId"]!.GetValue<string>() == step).ToList();
            // Pure steps are committed together with what follows them, so each shows up as it was at that commit.
            Assert.Equal("step.succeeded", stepEvents[^1].EventType);
        }
        var stepData = JsonNode.Parse(events.Last(e => e.Kind == ExecutionEventKinds.Step).DataJson)!.AsObject();
        Assert.Equal("Succeeded", stepData["status"]!.GetValue<string>());
        Assert.False(stepData.ContainsKey("input"));
        Assert.False(stepData.ContainsKey("output"));
        var logs = await _desk.LogsAsync(execution.Id);
        var logEvents = events.Where(e => e.Kind == ExecutionEventKinds.Log).Select(e => JsonNode.Parse(e.DataJson)!).ToList();
        Assert.Equal(logs.Select(l => l.Id), logEvents.Select(l => l!["id"]!.GetValue<long>()));
        Assert.Equal(logs.Select(l => l.Message), logEvents.Select(l => l!["message"]!.GetValue<string>()));
        Assert.Equal(Announced(execution.Id), events.Where(e => e.Kind == ExecutionEventKinds.Execution).Select(e => e.Status));
        var summary = JsonNode.Parse(events[^1].DataJson)!;
        Assert.Equal(execution.Id, summary["id"]!.GetValue<Guid>());
        Assert.Equal("Succeeded", summary["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_checkpoint_stores_no_event()
    {
        var workflowId = await _desk.SaveAsync(Workflow(Transform("a", 1)));
        await using (var db = _desk.NewDb())
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER refuse_run_start BEFORE INSERT ON ExecutionLogs WHEN NEW.Message = 'Run started'
                BEGIN SELECT RAISE(ABORT, 'the disk said no'); END;
                """);
        }
        var executionId = await _desk.StartAsync(workflowId);
        await _desk.RunDueWorkAsync();

        // The claim committed (its event with it); the refused checkpoint left nothing of its own.
        var events = await EventsAsync(executionId);
        Assert.Equal(["execution.queued", "execution.running"], events.Select(e => e.EventType));
        Assert.DoesNotContain(events, e => e.Kind == ExecutionEventKinds.Log);
        Assert.Equal(1, (await _desk.ExecutionAsync(executionId)).DispatchFailures);
    }

    [Fact]
    public async Task A_run_that_waited_reports_where_its_time_went()
    {
        var workflowId = await _desk.SaveAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done").DependsOn("pause")));
        var executionId = await _desk.StartAsync(workflowId);
        _desk.Time.Advance(TimeSpan.FromSeconds(2));
        await _desk.RunDueWorkAsync();

        var waiting = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Waiting, waiting.Status);
        Assert.Equal(CoreDesk.Epoch.AddSeconds(2), waiting.WaitingSince);

        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Null(finished.WaitingSince);
        Assert.Equal(new RunTimings(2_000, 0, 300_000), RunTimings.From(finished));
        var events = await EventsAsync(executionId);
        AssertContiguous(events);
        Assert.Contains("execution.waiting", events.Select(e => e.EventType));
        Assert.Equal(Announced(executionId), events.Where(e => e.Kind == ExecutionEventKinds.Execution).Select(e => e.Status));
    }

    [Fact]
    public async Task A_run_cancelled_while_waiting_counts_the_wait_and_ends_its_events_cancelled()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done").DependsOn("pause")));
        _desk.Time.Advance(TimeSpan.FromMinutes(1));

        await _desk.Get<RunCancellation>().CancelAsync(execution.Id, Actor.User("erin@desk.test"), CancellationToken.None);

        var cancelled = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(60_000, cancelled.WaitingMs);
        Assert.Null(cancelled.WaitingSince);
        var events = await EventsAsync(execution.Id);
        AssertContiguous(events);
        Assert.Equal("execution.cancelled", events[^1].EventType);
        Assert.Equal(["step.cancelled", "step.cancelled"], events.TakeLast(4).Take(2).Select(e => e.EventType));
        Assert.Equal("log.warning", events[^2].EventType);
        Assert.Equal(Announced(execution.Id), events.Where(e => e.Kind == ExecutionEventKinds.Execution).Select(e => e.Status));
    }

    [Fact]
    public async Task A_paused_run_and_an_approval_store_every_move_and_count_the_waits()
    {
        var execution = await _desk.RunAsync(Workflow(Step("ask", "approval", new JsonObject { ["message"] = "Go?" }), Transform("after", "done").DependsOn("ask")));
        Assert.Equal(ExecutionStatus.Paused, execution.Status);
        _desk.Time.Advance(TimeSpan.FromMinutes(3));

        await _desk.Get<Approvals>().DecideAsync(execution.Id, ApprovalDecision.Approve, "fine", Editor, CancellationToken.None);
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(180_000, finished.WaitingMs);
        var events = await EventsAsync(execution.Id);
        AssertContiguous(events);
        var decided = events.FindIndex(e => e.EventType == "log.information" && JsonNode.Parse(e.DataJson)!["message"]!.GetValue<string>().StartsWith("Approved by", StringComparison.Ordinal));
        Assert.Equal("step.waiting", events[decided - 1].EventType);
        Assert.Equal("execution.queued", events[decided + 1].EventType);
        Assert.Equal(Announced(execution.Id), events.Where(e => e.Kind == ExecutionEventKinds.Execution).Select(e => e.Status));
    }

    [Fact]
    public async Task A_run_paused_and_resumed_by_hand_stores_both_moves()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done").DependsOn("pause")));
        var pauses = _desk.Get<RunPause>();
        await pauses.PauseAsync(execution.Id, Actor.User("erin@desk.test"), CancellationToken.None);
        await pauses.ResumeAsync(execution.Id, Actor.User("erin@desk.test"), CancellationToken.None);

        var events = await EventsAsync(execution.Id);
        AssertContiguous(events);
        Assert.Equal(["execution.waiting", "execution.paused", "execution.queued"], events.TakeLast(3).Select(e => e.EventType));
        Assert.Equal(Announced(execution.Id), events.Where(e => e.Kind == ExecutionEventKinds.Execution).Select(e => e.Status));
    }

    [Fact]
    public async Task A_runs_events_are_deleted_with_it()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1)));
        Assert.NotEmpty(await EventsAsync(execution.Id));

        await using (var db = _desk.NewDb())
        {
            await db.Executions.Where(e => e.Id == execution.Id).ExecuteDeleteAsync();
        }

        Assert.Empty(await EventsAsync(execution.Id));
    }

    [Fact]
    public async Task Held_item_runs_written_and_cancelled_in_bulk_each_store_their_events()
    {
        var parent = await _desk.RunAsync(Workflow(Transform("a", 1)));
        var itemsWorkflow = await _desk.SaveAsync(Workflow(Transform("item", 1)));
        var requests = Enumerable.Range(0, 3)
            .Select(i => new RunRequest("manual", [], ParentExecutionId: parent.Id, ParentStepId: "each", ItemIndex: i))
            .ToList();

        await _desk.Get<ExecutionLauncher>().AddHeldAsync(itemsWorkflow, requests, CancellationToken.None);
        await _desk.Get<ChildRuns>().CancelHeldAsync(parent.Id, "each", "The foreach stopped.", CancellationToken.None);

        await using var db = _desk.NewDb();
        var items = await db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == parent.Id).Select(e => e.Id).ToListAsync();
        Assert.Equal(3, items.Count);
        foreach (var item in items)
        {
            var events = await EventsAsync(item);
            AssertContiguous(events);
            Assert.Equal(["execution.queued", "execution.cancelled"], events.Select(e => e.EventType));
        }
    }

    [Fact]
    public async Task Events_of_several_runs_in_one_batch_are_numbered_per_run()
    {
        var first = await _desk.RunAsync(Workflow(Transform("a", 1)));
        var second = await _desk.RunAsync(Workflow(Transform("a", 1)));
        var before = (await EventsAsync(first.Id)).Count;
        await using (var db = _desk.NewDb())
        {
            await using var write = await DeskDatabase.BeginWriteAsync(db, CancellationToken.None);
            await ExecutionEventLog.AppendAsync(db, [
                ExecutionEventLog.ForExecution(first, CoreDesk.Epoch),
                ExecutionEventLog.ForExecution(second, CoreDesk.Epoch),
                ExecutionEventLog.ForExecution(first, CoreDesk.Epoch),
            ], CancellationToken.None);
            await write.CommitAsync(CancellationToken.None);
        }

        AssertContiguous(await EventsAsync(first.Id));
        AssertContiguous(await EventsAsync(second.Id));
        Assert.Equal(before + 2, (await EventsAsync(first.Id)).Count);
    }
}
