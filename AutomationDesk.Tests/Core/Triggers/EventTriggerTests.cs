using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class EventTriggerTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task When_a_run_succeeds_the_workflow_listening_to_it_runs_with_its_output()
    {
        var a = await _desk.SaveAsync(Workflow("Source A", Transform("make", new JsonObject { ["order"] = "${trigger.order}" })));
        var b = await _desk.SaveAsync(Listening("Listener B", a, ["succeeded"], Transform("read", "${trigger.output.order}")));

        var first = await _desk.StartAsync(a, new JsonObject { ["order"] = 42 });
        await _desk.RunDueWorkAsync();

        var followed = Assert.Single(await RunsOfAsync(b));
        Assert.Equal(ExecutionStatus.Succeeded, followed.Status);
        Assert.Equal(TriggerTypes.Event, followed.TriggerKind);
        Assert.Equal(first, followed.ParentExecutionId);
        Assert.Equal("42", followed.OutputJson);
        var input = JsonNode.Parse(followed.TriggerInputJson)!;
        Assert.Equal(first, input["id"]!.GetValue<Guid>());
        Assert.Equal("Source A", (string?)input["workflow"]);
        Assert.Equal("Succeeded", (string?)input["status"]);
        Assert.Equal(42, (int)input["output"]!["order"]!);
        Assert.Equal([first], input["chain"]!.AsArray().Select(link => link!["executionId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task A_trigger_on_failed_fires_only_when_the_run_fails()
    {
        var a = await _desk.SaveAsync(Workflow("Flaky A", Transform("read", "${trigger.needed}")));
        var b = await _desk.SaveAsync(Listening("On failure B", a, ["failed"], Transform("error", "${trigger.error}")));

        await _desk.StartAsync(a, new JsonObject { ["needed"] = "here" });
        await _desk.RunDueWorkAsync();
        Assert.Empty(await RunsOfAsync(b));

        var failed = await _desk.StartAsync(a, []);
        await _desk.RunDueWorkAsync();

        Assert.Equal(ExecutionStatus.Failed, (await _desk.ExecutionAsync(failed)).Status);
        var followed = Assert.Single(await RunsOfAsync(b));
        Assert.Equal(failed, followed.ParentExecutionId);
        Assert.Contains("trigger.needed", followed.OutputJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_workflows_that_start_each_other_stop_after_ten_runs_and_say_so()
    {
        var a = await _desk.SaveAsync(Workflow("Ping", Transform("hit", "ping")));
        var b = await _desk.SaveAsync(Listening("Pong", a, ["succeeded"], Transform("hit", "pong")));
        await _desk.Get<WorkflowStore>().UpdateAsync(a, Listening("Ping", b, ["succeeded"], Transform("hit", "ping")).ToJsonString(), Actor.System, CancellationToken.None);

        await _desk.StartAsync(a);
        await _desk.RunDueWorkAsync();

        var runs = (await RunsOfAsync(a)).Concat(await RunsOfAsync(b)).ToList();
        Assert.Equal(EventTriggers.MaxChainLength, runs.Count);
        Assert.All(runs, r => Assert.Equal(ExecutionStatus.Succeeded, r.Status));
        var last = Assert.Single(runs, r => !runs.Any(other => other.ParentExecutionId == r.Id));
        Assert.Equal("Pong", last.WorkflowName);
        var refusal = Assert.Single(await _desk.LogsAsync(last.Id), l => l.Domain == LogDomain.Trigger);
        Assert.Equal(LogLevelName.Warning, refusal.Level);
        Assert.Contains("Ping → Pong → Ping → Pong", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Not started: Ping", refusal.Message, StringComparison.Ordinal);
        var notification = Assert.Single(_desk.Events.Notifications, n => n.ExecutionId == last.Id);
        Assert.Contains("Ping → Pong", notification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_run_of_a_draft_never_fires_an_event()
    {
        var a = await _desk.SaveAsync(Workflow("Drafted A", Transform("make", "x")));
        var b = await _desk.SaveAsync(Listening("Listener of drafts", a, ["succeeded", "failed"], Transform("read", "${trigger.output}")));
        var draft = _desk.Get<WorkflowDefinitionReader>().Read(Workflow("Drafted A", Transform("make", "y")));

        var test = await _desk.Get<ExecutionLauncher>().StartTestAsync(draft, a, [], Actor.System, CancellationToken.None);
        await _desk.RunDueWorkAsync();

        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(test.Id)).Status);
        Assert.Empty(await RunsOfAsync(b));
    }

    [Fact]
    public async Task A_disabled_listener_does_not_run()
    {
        var a = await _desk.SaveAsync(Workflow("Source of a disabled", Transform("make", "x")));
        var b = await _desk.SaveAsync(Listening("Disabled listener", a, ["succeeded"], Transform("read", "${trigger.output}")));
        await _desk.Get<WorkflowStore>().SetEnabledAsync(b, false, Actor.System, CancellationToken.None);

        await _desk.StartAsync(a);
        await _desk.RunDueWorkAsync();

        Assert.Empty(await RunsOfAsync(b));
    }

    [Fact]
    public async Task An_event_trigger_must_name_a_workflow_that_exists_and_a_known_outcome()
    {
        var unknown = await Assert.ThrowsAsync<WorkflowValidationException>(() =>
            _desk.SaveAsync(Listening("Orphan", Guid.CreateVersion7(), ["succeeded"], Transform("x", "x"))));
        Assert.Contains("trigger.event.workflowId", unknown.Errors.Keys);

        var a = await _desk.SaveAsync(Workflow("Known source", Transform("make", "x")));
        var outcome = await Assert.ThrowsAsync<WorkflowValidationException>(() =>
            _desk.SaveAsync(Listening("Bad outcome", a, ["finished"], Transform("x", "x"))));
        Assert.Contains("trigger.event.on", outcome.Errors.Keys);
    }

    [Fact]
    public async Task A_workflow_may_listen_to_itself_and_the_chain_limit_stops_it()
    {
        var a = await _desk.SaveAsync(Workflow("Self", Transform("hit", "again")));
        await _desk.Get<WorkflowStore>().UpdateAsync(a, Listening("Self", a, ["succeeded"], Transform("hit", "again")).ToJsonString(), Actor.System, CancellationToken.None);

        await _desk.StartAsync(a);
        await _desk.RunDueWorkAsync();

        Assert.Equal(EventTriggers.MaxChainLength, (await RunsOfAsync(a)).Count);
    }

    private static JsonObject Listening(string name, Guid source, string[] on, params JsonObject[] steps)
    {
        var workflow = Workflow(name, steps);
        workflow["trigger"] = new JsonObject
        {
            ["type"] = "event",
            ["event"] = new JsonObject { ["workflowId"] = source, ["on"] = new JsonArray(on.Select(o => (JsonNode)o).ToArray()) },
        };
        return workflow;
    }

    private async Task<List<AutomationDesk.Core.Execution.Execution>> RunsOfAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        return await db.Executions.AsNoTracking().Where(e => e.WorkflowId == workflowId).ToListAsync();
    }
}
