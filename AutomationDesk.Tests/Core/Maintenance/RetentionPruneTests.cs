using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Maintenance;

public sealed class RetentionPruneTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private AgedRows _rows = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["DeadLetters:RetentionDays"] = "60" });
        _rows = new AgedRows(_desk);
    }

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private Task<PruneResult> PruneAsync() => _desk.Get<RetentionPrune>().PruneAsync(Actor.User("admin@desk.test"), null, CancellationToken.None);

    private async Task<List<Guid>> RunsLeftAsync()
    {
        await using var db = _desk.NewDb();
        return (await db.Executions.Select(e => e.Id).ToListAsync()).Order().ToList();
    }

    private static List<Guid> Sorted(params Guid[] ids) => ids.Order().ToList();

    [Fact]
    public async Task Only_ended_runs_past_the_desk_retention_go_with_their_steps_keys_logs_events_and_artifacts()
    {
        var workflow = await _rows.WorkflowAsync();
        var old = await _rows.RunAsync(workflow, daysAgo: 40);
        var young = await _rows.RunAsync(workflow, daysAgo: 10);
        var oldButRunning = await _rows.RunAsync(workflow, daysAgo: 40, ExecutionStatus.Running);
        var oldButWaiting = await _rows.RunAsync(workflow, daysAgo: 40, ExecutionStatus.Waiting);
        var store = _desk.Get<ArtifactStore>();
        await store.SaveAsync(old, "a", "old.txt", "text/plain", new MemoryStream("old"u8.ToArray()), CancellationToken.None);
        await store.SaveAsync(young, "a", "young.txt", "text/plain", new MemoryStream("young"u8.ToArray()), CancellationToken.None);

        var result = await PruneAsync();

        Assert.Equal(Sorted(young, oldButRunning, oldButWaiting), await RunsLeftAsync());
        Assert.Equal((1, 2, 3, 2, 1), (result.Executions, result.Steps, result.Logs, result.Events, result.Artifacts));
        await using var db = _desk.NewDb();
        Assert.False(await db.StepRuns.AnyAsync(s => s.ExecutionId == old));
        Assert.False(await db.ExecutionKeys.AnyAsync(k => k.ExecutionId == old));
        Assert.False(await db.ExecutionLogs.AnyAsync(l => l.ExecutionId == old));
        Assert.False(await db.ExecutionEvents.AnyAsync(e => e.ExecutionId == old));
        Assert.Equal(3, await db.ExecutionLogs.CountAsync(l => l.ExecutionId == young));
        Assert.Equal([young], await db.Artifacts.Select(a => a.ExecutionId).ToListAsync());
        Assert.False(Directory.Exists(Path.Combine(store.Root, old.ToString("N"))));
        Assert.True(Directory.Exists(Path.Combine(store.Root, young.ToString("N"))));
    }

    [Fact]
    public async Task A_workflows_retention_days_win_over_the_desk_setting()
    {
        await _desk.Get<DeskSettings>().SetAsync("retention.executionsDays", JsonValue.Create(60), Actor.System, CancellationToken.None);
        var byDesk = await _rows.WorkflowAsync();
        var shortLived = await _rows.WorkflowAsync(retentionDays: 7);
        var longLived = await _rows.WorkflowAsync(retentionDays: 365);
        var keptByDesk = await _rows.RunAsync(byDesk, daysAgo: 40);
        var goneByDesk = await _rows.RunAsync(byDesk, daysAgo: 70);
        var goneAfterAWeek = await _rows.RunAsync(shortLived, daysAgo: 10);
        var keptForAYear = await _rows.RunAsync(longLived, daysAgo: 200);

        var result = await PruneAsync();

        Assert.Equal(Sorted(keptByDesk, keptForAYear), await RunsLeftAsync());
        Assert.Equal(2, result.Executions);
        Assert.DoesNotContain(goneByDesk, await RunsLeftAsync());
        Assert.DoesNotContain(goneAfterAWeek, await RunsLeftAsync());
    }

    [Fact]
    public async Task A_failed_run_still_in_dead_letters_is_kept_for_the_longer_dead_letter_retention()
    {
        var workflow = await _rows.WorkflowAsync();
        var waiting = await _rows.RunAsync(workflow, daysAgo: 40, ExecutionStatus.Failed);
        var timedOut = await _rows.RunAsync(workflow, daysAgo: 40, ExecutionStatus.TimedOut);
        var discarded = await _rows.RunAsync(workflow, daysAgo: 40, ExecutionStatus.Failed, run => run.DeadLetterOutcome = DeadLetterOutcomes.Discarded);
        var pastBoth = await _rows.RunAsync(workflow, daysAgo: 70, ExecutionStatus.Failed);

        await PruneAsync();

        var left = await RunsLeftAsync();
        Assert.Equal(Sorted(waiting, timedOut), left);
        Assert.DoesNotContain(discarded, left);
        Assert.DoesNotContain(pastBoth, left);
    }

    [Fact]
    public async Task Sub_workflow_runs_go_with_their_parent_and_a_parent_with_a_child_still_going_stays()
    {
        var workflow = await _rows.WorkflowAsync();
        var parent = await _rows.RunAsync(workflow, daysAgo: 40);
        var child = await _rows.RunAsync(workflow, daysAgo: 5, shape: Child(parent, 0));
        var grandchild = await _rows.RunAsync(workflow, daysAgo: 5, shape: Child(child, 0));
        var busyParent = await _rows.RunAsync(workflow, daysAgo: 40, ExecutionStatus.Cancelled);
        var busyChild = await _rows.RunAsync(workflow, daysAgo: 40, ExecutionStatus.Running, Child(busyParent, 0));

        var result = await PruneAsync();

        Assert.Equal(Sorted(busyParent, busyChild), await RunsLeftAsync());
        Assert.Equal(3, result.Executions);
        Assert.DoesNotContain(child, await RunsLeftAsync());
        Assert.DoesNotContain(grandchild, await RunsLeftAsync());
    }

    [Fact]
    public async Task A_run_that_a_retry_still_going_came_from_is_kept_until_the_retry_ends()
    {
        var workflow = await _rows.WorkflowAsync();
        var original = await _rows.RunAsync(workflow, daysAgo: 70, ExecutionStatus.Failed, run => run.DeadLetterOutcome = DeadLetterOutcomes.Replayed);
        var retry = await _rows.RunAsync(workflow, daysAgo: 0, ExecutionStatus.Running, run =>
        {
            run.ParentExecutionId = original;
            run.OriginExecutionId = original;
        });

        await PruneAsync();
        Assert.Equal(Sorted(original, retry), await RunsLeftAsync());

        await using (var db = _desk.NewDb())
        {
            await db.Executions.Where(e => e.Id == retry).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, ExecutionStatus.Succeeded));
        }
        await PruneAsync();
        Assert.Equal(Sorted(retry), await RunsLeftAsync());
    }

    [Fact]
    public async Task Webhook_events_receipts_and_notifications_past_their_retention_go_and_younger_ones_stay()
    {
        await _desk.Get<DeskSettings>().SetAsync("retention.webhookEventsDays", JsonValue.Create(7), Actor.System, CancellationToken.None);
        var workflow = await _rows.WorkflowAsync();
        var oldEvent = await _rows.WebhookEventAsync(workflow, daysAgo: 8);
        var youngEvent = await _rows.WebhookEventAsync(workflow, daysAgo: 6);
        var oldNote = await _rows.NotificationAsync(daysAgo: 91);
        var youngNote = await _rows.NotificationAsync(daysAgo: 80);

        var result = await PruneAsync();

        Assert.Equal((0, 1, 1, 1), (result.Executions, result.WebhookEvents, result.WebhookReceipts, result.Notifications));
        await using var db = _desk.NewDb();
        Assert.Equal([youngEvent], await db.WebhookEvents.Select(e => e.Id).ToListAsync());
        Assert.Equal([youngEvent.ToString("N")], await db.WebhookReceipts.Select(r => r.Key).ToListAsync());
        Assert.Equal([youngNote], await db.Notifications.Select(n => n.Id).ToListAsync());
        Assert.Equal([youngNote], await db.NotificationReads.Select(r => r.NotificationId).ToListAsync());
        Assert.NotEqual(oldEvent, youngEvent);
        Assert.NotEqual(oldNote, youngNote);
    }

    [Fact]
    public async Task Each_prune_is_recorded_with_its_counts_and_its_longest_write_turn()
    {
        var workflow = await _rows.WorkflowAsync();
        await _rows.RunAsync(workflow, daysAgo: 40);

        await PruneAsync();
        var last = await _desk.Get<RetentionPrune>().LastAsync(CancellationToken.None);

        Assert.NotNull(last);
        Assert.Equal(1, last.Executions);
        Assert.Equal("admin@desk.test", last.StartedBy);
        Assert.True(last.LongestWriteHoldMs > 0);
        Assert.Null(last.ArchivedTo);
        await using var db = _desk.NewDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "maintenance.prune"));
    }

    private static Action<global::AutomationDesk.Core.Execution.Execution> Child(Guid parent, int item) => run =>
    {
        run.ParentExecutionId = parent;
        run.ParentStepId = "each";
        run.ItemIndex = item;
    };
}
