using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

/// <summary>A failed run is retried once unless someone asks again knowingly: the plan names the earlier retry.</summary>
public sealed class RetryOnceTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private static readonly Actor Person = Actor.User("fixer@desk.test");

    private CoreDesk Desk => fixture.Desk;

    private RunRetry Retries => Desk.Get<RunRetry>();

    private async Task<Guid> FailedRunAsync() =>
        (await Desk.RunAsync(Workflow($"Fails {Guid.NewGuid():N}", Transform("broken", "${trigger.missing.field}")))).Id;

    [Fact]
    public async Task Two_retries_asked_for_at_once_start_one_run_and_refuse_the_other_naming_it()
    {
        var failed = await FailedRunAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                return (Started: (Guid?)(await Retries.RetryAsync(failed, RetryFrom.Start, Person, CancellationToken.None)).Id, Refusal: (DeskProblemException?)null);
            }
            catch (DeskProblemException e)
            {
                return (Started: null, Refusal: e);
            }
        }));

        var started = Assert.Single(attempts, a => a.Started is not null).Started!.Value;
        Assert.All(attempts.Where(a => a.Refusal is not null), a =>
        {
            Assert.Equal(ProblemKind.Conflict, a.Refusal!.Kind);
            Assert.Contains(started.ToString(), a.Refusal.Message, StringComparison.Ordinal);
        });
        await using var db = Desk.NewDb();
        Assert.Equal(1, await db.Executions.CountAsync(e => e.ParentExecutionId == failed));
    }

    [Fact]
    public async Task Retrying_again_knowingly_starts_a_second_run_and_the_plan_lists_both()
    {
        var failed = await FailedRunAsync();
        var first = await Retries.RetryAsync(failed, RetryFrom.Start, Person, CancellationToken.None);

        var second = await Retries.RetryAgainAsync(failed, RetryFrom.Failed, Person, CancellationToken.None);
        var plan = await Retries.PlanAsync(failed, RetryFrom.Start, CancellationToken.None);

        Assert.Equal([first.Id, second.Id], plan.EarlierRetries.Select(r => r.ExecutionId));
        Assert.StartsWith("Already retried by run", plan.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_started_by_an_event_trigger_when_this_one_ended_is_not_a_retry()
    {
        var failed = await FailedRunAsync();
        var listener = await Desk.SaveAsync(Workflow($"Listener {Guid.NewGuid():N}", Transform("a", 1)));
        await Desk.Get<ExecutionLauncher>().StartAsync(listener,
            new RunRequest(global::AutomationDesk.Core.Workflows.TriggerTypes.Event, new JsonObject(), ParentExecutionId: failed), Actor.System, CancellationToken.None);

        var plan = await Retries.PlanAsync(failed, RetryFrom.Start, CancellationToken.None);

        Assert.Empty(plan.EarlierRetries);
        Assert.Null(plan.Warning);
    }
}
