using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Pinned;
using AutomationDesk.Core.Security;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Pinned;

/// <summary>"Execute this step": one step, for real, against the pinned outputs of the steps before it.</summary>
public sealed class SingleStepRunTests : IAsyncLifetime
{
    private const string ApiKey = "pinned-secret-value-1";
    private static readonly Actor Editor = Actor.User("editor@desk.test");
    private readonly ConcurrentQueue<EchoServer.Received> _received = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(app => app.MapEcho(_received));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private JsonObject FetchAfterOrder() => Workflow(
        Transform("order", new JsonObject { ["id"] = "${trigger.body.id}" }),
        Http("fetch", _server.Url("/echo/orders/${steps.order.output.id}")).DependsOn("order")
            .With("headers", new JsonObject { ["X-Key"] = "${secrets.apikey}" }));

    private static async Task<(CoreDesk Desk, Guid WorkflowId)> PinnedDeskAsync(JsonObject definition, JsonObject input)
    {
        var desk = await CoreDesk.StartAsync();
        await desk.Get<SecretStore>().SetAsync("apikey", ApiKey, Editor, CancellationToken.None);
        var run = await desk.RunAsync(definition, input);
        Assert.True(run.Steps.All(s => s.Status == StepStatus.Succeeded), string.Join(" ", run.Steps.Select(s => s.ErrorHuman)) + run.ErrorHuman);
        await desk.Get<PinnedOutputs>().PinRunAsync(run.WorkflowId, run.Id, Editor, CancellationToken.None);
        return (desk, run.WorkflowId);
    }

    [Fact]
    public async Task An_http_step_runs_for_real_against_the_pinned_output_before_it_and_pins_its_own()
    {
        var (desk, workflowId) = await PinnedDeskAsync(FetchAfterOrder(), new JsonObject { ["body"] = new JsonObject { ["id"] = 7 } });
        await using var _ = desk;
        _received.Clear();
        var draft = FetchAfterOrder();
        draft["steps"]![1]!["config"]!["url"] = _server.Url("/echo/draft/${steps.order.output.id}");

        var result = await desk.Get<SingleStepRun>().RunAsync(workflowId, "fetch", draft, null, Editor, CancellationToken.None);

        Assert.NotNull(result);
        Assert.True(result.Status == StepStatus.Succeeded, result.ErrorHuman);
        var seen = Assert.Single(_received);
        Assert.Equal("/echo/draft/7", seen.Path);
        Assert.Equal(ApiKey, seen.Headers["x-key"]);
        Assert.DoesNotContain(ApiKey, result.Output!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, result.Input!.ToJsonString(), StringComparison.Ordinal);
        Assert.True(result.Pinned);
        var pinned = await desk.Get<PinnedOutputs>().ReadAsync(workflowId, CancellationToken.None);
        Assert.Equal("/echo/draft/7", pinned!.OutputOf("fetch")?["body"]?["path"]?.GetValue<string>());
        Assert.Null(pinned.Steps.Single(s => s.StepId == "fetch").SourceExecutionId);
    }

    [Fact]
    public async Task A_given_input_replaces_the_pinned_trigger_and_is_pinned_too()
    {
        var (desk, workflowId) = await PinnedDeskAsync(FetchAfterOrder(), new JsonObject { ["body"] = new JsonObject { ["id"] = 7 } });
        await using var _ = desk;

        var result = await desk.Get<SingleStepRun>().RunAsync(workflowId, "order", null, new JsonObject { ["id"] = 99 }, Editor, CancellationToken.None);

        Assert.Equal(99, result!.Output?["id"]?.GetValue<int>());
        var pinned = await desk.Get<PinnedOutputs>().ReadAsync(workflowId, CancellationToken.None);
        Assert.Equal(99, pinned!.Trigger?["body"]?["id"]?.GetValue<int>());
        Assert.Equal(99, pinned.OutputOf("order")?["id"]?.GetValue<int>());
    }

    [Fact]
    public async Task A_step_whose_upstream_output_is_not_pinned_fails_saying_which_and_pins_nothing()
    {
        await using var desk = await CoreDesk.StartAsync();
        var workflowId = await desk.SaveAsync(FetchAfterOrder());
        _received.Clear();

        var result = await desk.Get<SingleStepRun>().RunAsync(workflowId, "fetch", null, null, Editor, CancellationToken.None);

        Assert.Equal(StepStatus.Failed, result!.Status);
        Assert.Contains("No output is pinned for 'order'", result.ErrorHuman, StringComparison.Ordinal);
        Assert.False(result.Pinned);
        Assert.Empty(_received);
        await using var db = desk.NewDb();
        Assert.False(await db.PinnedStepOutputs.AnyAsync());
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "workflow.step.execute"));
    }

    [Fact]
    public async Task A_failing_step_answers_its_error_in_words_and_keeps_the_earlier_pin()
    {
        var (desk, workflowId) = await PinnedDeskAsync(FetchAfterOrder(), new JsonObject { ["body"] = new JsonObject { ["id"] = 7 } });
        await using var _ = desk;
        var draft = FetchAfterOrder();
        draft["steps"]![1]!["config"]!["url"] = "http://127.0.0.1:1/nothing-listens";

        var result = await desk.Get<SingleStepRun>().RunAsync(workflowId, "fetch", draft, null, Editor, CancellationToken.None);

        Assert.Equal(StepStatus.Failed, result!.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorHuman));
        var pinned = await desk.Get<PinnedOutputs>().ReadAsync(workflowId, CancellationToken.None);
        Assert.Equal("/echo/orders/7", pinned!.OutputOf("fetch")?["body"]?["path"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("delay", """{"duration":"00:05:00"}""", "delay waits")]
    [InlineData("approval", """{"approvers":["a@desk.test"],"message":"ok?"}""", "waits for a person")]
    [InlineData("stop", """{"status":"succeeded","message":"done"}""", "ends a run")]
    [InlineData("workflow.run", """{"workflowId":"0194a4b0-0000-7000-8000-000000000001"}""", "starts other runs")]
    [InlineData("foreach", """{"items":[1],"workflowId":"0194a4b0-0000-7000-8000-000000000001"}""", "starts other runs")]
    public async Task Steps_that_need_a_whole_run_are_refused(string type, string config, string reason)
    {
        await using var desk = await CoreDesk.StartAsync();
        var workflowId = await desk.SaveAsync(Workflow(Transform("first", 1)));
        var draft = Workflow(Transform("first", 1), Step("waits", type, (JsonObject)JsonNode.Parse(config)!));

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() =>
            desk.Get<SingleStepRun>().RunAsync(workflowId, "waits", draft, null, Editor, CancellationToken.None));

        Assert.Equal(ProblemKind.Conflict, refused.Kind);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Test run", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_step_or_workflow_is_not_found()
    {
        await using var desk = await CoreDesk.StartAsync();
        var workflowId = await desk.SaveAsync(Workflow(Transform("first", 1)));
        var steps = desk.Get<SingleStepRun>();

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() => steps.RunAsync(workflowId, "nope", null, null, Editor, CancellationToken.None));

        Assert.Equal(ProblemKind.NotFound, refused.Kind);
        Assert.Null(await steps.RunAsync(Guid.NewGuid(), "first", null, null, Editor, CancellationToken.None));
    }

    [Fact]
    public async Task A_draft_with_a_half_typed_template_or_a_repeated_step_id_is_refused_in_words()
    {
        const string template = "${}";
        await using var desk = await CoreDesk.StartAsync();
        var workflowId = await desk.SaveAsync(Workflow(Transform("first", 1)));
        var steps = desk.Get<SingleStepRun>();

        var halfTyped = await Assert.ThrowsAsync<DeskProblemException>(() =>
            steps.RunAsync(workflowId, "first", Workflow(Transform("first", template)), null, Editor, CancellationToken.None));
        var repeated = await Assert.ThrowsAsync<DeskProblemException>(() =>
            steps.RunAsync(workflowId, "first", Workflow(Transform("first", 1), Transform("first", 2)), null, Editor, CancellationToken.None));

        Assert.All(new[] { halfTyped, repeated }, refused => Assert.Contains("The draft cannot run yet", refused.Message, StringComparison.Ordinal));
    }
}
