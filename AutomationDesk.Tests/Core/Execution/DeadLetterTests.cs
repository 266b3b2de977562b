using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class DeadLetterTests : IAsyncLifetime
{
    private static readonly Actor Person = Actor.User("fixer@desk.test");
    private volatile bool _down = true;
    private int _posts;
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app => app.MapPost("/invoice", () =>
        {
            Interlocked.Increment(ref _posts);
            return _down ? Results.StatusCode(503) : Results.Json(new { sent = true });
        }));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private RunRetry Retries => _desk.Get<RunRetry>();

    /// <summary>Shapes an invoice, then posts it to a service that is down, with two attempts.</summary>
    private async Task<global::AutomationDesk.Core.Execution.Execution> FailAfterRetriesAsync()
    {
        var post = Http("send", _server.Url("/invoice"), "POST").With("body", new JsonObject { ["total"] = "${steps.shape.output.total}" });
        post["retry"] = new JsonObject { ["maxAttempts"] = 2, ["backoff"] = "fixed", ["initialDelay"] = "00:00:01" };
        var execution = await _desk.RunAsync(Workflow(Transform("shape", new JsonObject { ["total"] = 120 }), post));
        _desk.Time.Advance(TimeSpan.FromSeconds(2));
        await _desk.RunDueWorkAsync();
        return await _desk.ExecutionAsync(execution.Id);
    }

    [Fact]
    public async Task A_run_that_fails_after_its_last_attempt_is_a_dead_letter_and_someone_is_told()
    {
        var failed = await FailAfterRetriesAsync();

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(2, failed.Steps[1].Attempts);
        Assert.Null(failed.DeadLetterOutcome);
        await using var db = _desk.NewDb();
        var notification = await db.Notifications.SingleAsync(n => n.ExecutionId == failed.Id);
        Assert.Contains("dead letters", notification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plan_says_which_steps_run_again_and_which_of_them_reach_the_outside_world()
    {
        var failed = await FailAfterRetriesAsync();

        var resume = await Retries.PlanAsync(failed.Id, RetryFrom.Failed, CancellationToken.None);
        var replay = await Retries.PlanAsync(failed.Id, RetryFrom.Start, CancellationToken.None);

        Assert.Equal([false, true], resume.Steps.Select(s => s.RunsAgain));
        Assert.Equal([false, true], resume.Steps.Select(s => s.HasSideEffects));
        Assert.Equal("send", Assert.Single(resume.Repeats).StepId);
        Assert.All(replay.Steps, s => Assert.True(s.RunsAgain));
    }

    [Fact]
    public async Task Resuming_from_the_failed_step_keeps_earlier_outputs_and_links_the_child_to_its_parent()
    {
        var failed = await FailAfterRetriesAsync();
        _down = false;

        var child = await Retries.RetryAsync(failed.Id, RetryFrom.Failed, Person, CancellationToken.None);
        await _desk.RunDueWorkAsync();

        var resumed = await _desk.ExecutionAsync(child.Id);
        Assert.Equal(ExecutionStatus.Succeeded, resumed.Status);
        Assert.Equal(failed.Id, resumed.ParentExecutionId);
        Assert.Equal(failed.CorrelationId, resumed.CorrelationId);
        Assert.Equal(2, resumed.Attempt);
        // The shaping step did not run again: the child carries the original's output and timing.
        Assert.Equal(failed.Steps[0].OutputJson, resumed.Steps[0].OutputJson);
        Assert.Equal(failed.Steps[0].StartedAt, resumed.Steps[0].StartedAt);
        Assert.Equal(0, resumed.Steps[0].Attempts);
        Assert.Equal(1, resumed.Steps[1].Attempts);
        Assert.Equal(3, _posts);
        Assert.Equal(DeadLetterOutcomes.Resumed, (await _desk.ExecutionAsync(failed.Id)).DeadLetterOutcome);
    }

    [Fact]
    public async Task Replaying_from_the_start_runs_every_step_again()
    {
        var failed = await FailAfterRetriesAsync();
        _down = false;

        var child = await Retries.RetryAsync(failed.Id, RetryFrom.Start, Person, CancellationToken.None);
        await _desk.RunDueWorkAsync();

        var replayed = await _desk.ExecutionAsync(child.Id);
        Assert.Equal(ExecutionStatus.Succeeded, replayed.Status);
        Assert.All(replayed.Steps, s => Assert.Equal(1, s.Attempts));
        Assert.Equal(DeadLetterOutcomes.Replayed, (await _desk.ExecutionAsync(failed.Id)).DeadLetterOutcome);
    }

    [Fact]
    public async Task A_discarded_dead_letter_leaves_the_list_once_and_for_all()
    {
        var failed = await FailAfterRetriesAsync();

        await Retries.DiscardAsync(failed.Id, Person, CancellationToken.None);
        var again = await Assert.ThrowsAsync<DeskProblemException>(() => Retries.DiscardAsync(failed.Id, Person, CancellationToken.None));

        Assert.Equal(DeadLetterOutcomes.Discarded, (await _desk.ExecutionAsync(failed.Id)).DeadLetterOutcome);
        Assert.Equal(ProblemKind.Conflict, again.Kind);
        await using var db = _desk.NewDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "execution.discard" && a.Target == $"execution:{failed.Id}"));
    }

    [Fact]
    public async Task A_run_that_succeeded_cannot_be_retried()
    {
        var succeeded = await _desk.RunAsync(Workflow(Transform("only", "fine")));

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() => Retries.RetryAsync(succeeded.Id, RetryFrom.Start, Person, CancellationToken.None));

        Assert.Equal(ProblemKind.Conflict, refused.Kind);
        Assert.Contains("Succeeded", refused.Message, StringComparison.Ordinal);
    }
}
