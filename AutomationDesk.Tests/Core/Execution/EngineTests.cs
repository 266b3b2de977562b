using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class EngineTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private async Task<List<string>> MessagesAsync(Guid executionId) => (await _desk.LogsAsync(executionId)).Select(l => l.Message).ToList();

    private static JsonNode? Output(StepRun step) => StoredJson.Parse(step.OutputJson);

    [Fact]
    public async Task A_step_without_dependsOn_waits_for_the_step_before_it()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1), Transform("b", 2), Transform("c", 3)));

        var log = await MessagesAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.True(log.IndexOf("Step 'b' started (attempt 1)") > log.FindIndex(m => m.StartsWith("Step 'a' succeeded", StringComparison.Ordinal)));
        Assert.True(log.IndexOf("Step 'c' started (attempt 1)") > log.FindIndex(m => m.StartsWith("Step 'b' succeeded", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_empty_dependsOn_makes_a_root_that_starts_with_the_first_step()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1), Transform("b", 2).DependsOn()));

        var log = await MessagesAsync(execution.Id);
        Assert.True(log.IndexOf("Step 'b' started (attempt 1)") < log.FindIndex(m => m.StartsWith("Step 'a' succeeded", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Independent_branches_both_run_and_a_join_sees_both_outputs()
    {
        var execution = await _desk.RunAsync(Workflow(
            Transform("left", "L"),
            Transform("right", "R").DependsOn(),
            Transform("join", new JsonArray("${steps.left.output}", "${steps.right.output}")).DependsOn("left", "right")));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.All(execution.Steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.Equal("[\"L\",\"R\"]", execution.Steps[2].OutputJson);
    }

    [Fact]
    public async Task A_step_whose_condition_is_false_is_skipped_and_so_is_a_step_that_only_waited_for_it()
    {
        var execution = await _desk.RunAsync(Workflow(
            Transform("check", new JsonObject { ["go"] = false }),
            Transform("act", "acted").When("${steps.check.output.go}"),
            Transform("after_act", "after"),
            Transform("either", "either").DependsOn("check", "act")));

        var status = execution.Steps.ToDictionary(s => s.StepId, s => s.Status);
        Assert.Equal(StepStatus.Succeeded, status["check"]);
        Assert.Equal(StepStatus.Skipped, status["act"]);
        Assert.Equal(StepStatus.Skipped, status["after_act"]);
        Assert.Equal(StepStatus.Succeeded, status["either"]);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Contains("Step 'act' skipped: its 'when' condition is false", await MessagesAsync(execution.Id));
    }

    [Fact]
    public async Task A_step_whose_condition_is_true_runs()
    {
        var execution = await _desk.RunAsync(Workflow(
            Transform("check", new JsonObject { ["go"] = true }),
            Transform("act", "acted").When(new JsonObject { ["left"] = "${steps.check.output.go}", ["operator"] = "eq", ["right"] = true })));

        Assert.Equal(StepStatus.Succeeded, execution.Steps[1].Status);
    }

    [Fact]
    public async Task A_whole_value_template_keeps_its_JSON_type_and_an_embedded_one_becomes_text()
    {
        var input = new JsonObject { ["body"] = new JsonObject { ["n"] = 5, ["items"] = new JsonArray(1, 2), ["ok"] = true, ["name"] = "Ada" } };

        var execution = await _desk.RunAsync(Workflow(Transform("t", new JsonObject
        {
            ["number"] = "${trigger.body.n}",
            ["list"] = "${trigger.body.items}",
            ["flag"] = "${trigger.body.ok}",
            ["text"] = "n=${trigger.body.n}",
            ["greeting"] = "Hi ${trigger.body.name}, items ${trigger.body.items}",
        })), input);

        var output = Output(execution.Steps[0])!;
        Assert.Equal(JsonValueKind.Number, output["number"]!.GetValueKind());
        Assert.Equal(5, output["number"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Array, output["list"]!.GetValueKind());
        Assert.Equal(JsonValueKind.True, output["flag"]!.GetValueKind());
        Assert.Equal("n=5", output["text"]!.GetValue<string>());
        Assert.Equal("Hi Ada, items [1,2]", output["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_fallback_gives_a_default_for_a_missing_value()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("t", new JsonObject
        {
            ["text"] = "${trigger.body.missing ?? \"none\"}",
            ["number"] = "${trigger.body.missing ?? 7}",
            ["path"] = "${trigger.body.missing ?? trigger.body.present}",
            ["present"] = "${trigger.body.present ?? 'unused'}",
        })), new JsonObject { ["body"] = new JsonObject { ["present"] = "here" } });

        var output = Output(execution.Steps[0])!;
        Assert.Equal("none", output["text"]!.GetValue<string>());
        Assert.Equal(7, output["number"]!.GetValue<int>());
        Assert.Equal("here", output["path"]!.GetValue<string>());
        Assert.Equal("here", output["present"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_path_fails_the_step_naming_the_path()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("t", "${trigger.body.customer.email}"), Transform("after", 1)),
            new JsonObject { ["body"] = new JsonObject() });

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StepStatus.Failed, execution.Steps[0].Status);
        Assert.Contains("trigger.body.customer.email", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Pending, execution.Steps[1].Status);
        Assert.Contains("(t)", execution.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal("t", execution.CurrentStepId);
    }

    [Fact]
    public async Task Each_step_row_keeps_its_resolved_input_output_status_attempts_and_timings()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("t", new JsonObject { ["id"] = "${trigger.body.id}" })),
            new JsonObject { ["body"] = new JsonObject { ["id"] = 42 } });

        var step = Assert.Single(execution.Steps);
        Assert.Equal("""{"value":{"id":42}}""", step.InputJson);
        Assert.Equal("""{"id":42}""", step.OutputJson);
        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(1, step.Attempts);
        Assert.Equal(CoreDesk.Epoch, step.StartedAt);
        Assert.Equal(CoreDesk.Epoch, step.FinishedAt);
        Assert.Equal(0, step.DurationMs);
        Assert.Null(step.ErrorHuman);
        Assert.Null(step.ErrorTech);
        Assert.Equal("Transform", step.Name);
    }

    [Fact]
    public async Task A_failed_step_keeps_a_human_and_a_technical_error()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/broken", () => Microsoft.AspNetCore.Http.Results.Text("database on fire", statusCode: 500)));

        var execution = await _desk.RunAsync(Workflow(Http("call", server.Url("/broken"))));

        var step = Assert.Single(execution.Steps);
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("answered 500", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("database on fire", step.ErrorTech, StringComparison.Ordinal);
        Assert.Equal(step.ErrorTech, execution.ErrorTech);
        Assert.NotNull(step.FinishedAt);
    }

    [Fact]
    public async Task A_step_that_may_fail_hands_its_error_to_the_next_step_and_the_run_goes_on()
    {
        var failing = Transform("risky", "${trigger.body.absent}");
        failing["onError"] = "continue";

        var execution = await _desk.RunAsync(Workflow(failing, Transform("report", "${steps.risky.output.error}")),
            new JsonObject { ["body"] = new JsonObject() });

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(StepStatus.Failed, execution.Steps[0].Status);
        Assert.Contains("trigger.body.absent", StoredJson.Parse(execution.Steps[1].OutputJson)!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_workflow_cannot_be_started()
    {
        var workflow = Workflow(Transform("a", 1));
        workflow["enabled"] = false;
        var id = await _desk.SaveAsync(workflow);

        var refused = await Assert.ThrowsAsync<AutomationDesk.Core.DeskProblemException>(() => _desk.StartAsync(id));

        Assert.Contains("disabled", refused.Message, StringComparison.OrdinalIgnoreCase);
        await using var db = _desk.NewDb();
        Assert.Equal(0, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Executions));
    }

    [Fact]
    public async Task The_run_output_is_the_last_step_output()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", "first"), Transform("b", new JsonObject { ["done"] = true })));

        Assert.Equal("""{"done":true}""", execution.OutputJson);
    }

    [Fact]
    public async Task The_run_output_is_what_the_workflow_names()
    {
        var workflow = Workflow(Transform("a", "first"), Transform("b", "second"))
            .WithSettings(new JsonObject { ["output"] = new JsonObject { ["from_a"] = "${steps.a.output}" } });

        var execution = await _desk.RunAsync(workflow);

        Assert.Equal("""{"from_a":"first"}""", execution.OutputJson);
    }

    [Fact]
    public async Task A_finished_run_reaches_100_percent_and_announces_each_change()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1), Transform("b", 2)));

        Assert.Equal(100, execution.Progress);
        Assert.NotNull(execution.FinishedAt);
        Assert.Equal(execution.FinishedAt - execution.StartedAt, TimeSpan.FromMilliseconds(execution.DurationMs!.Value));
        var announced = _desk.Events.Executions.Where(e => e.Id == execution.Id).ToList();
        Assert.Equal(ExecutionStatus.Queued, announced[0].Status);
        Assert.Equal(ExecutionStatus.Succeeded, announced[^1].Status);
        Assert.Equal(100, announced[^1].Progress);
        Assert.Contains(_desk.Events.Steps, s => s.StepId == "b" && s.Status == StepStatus.Succeeded);
    }

    [Fact]
    public async Task A_run_writes_structured_log_rows()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1)));

        var logs = await _desk.LogsAsync(execution.Id);
        Assert.Contains(logs, l => l is { Domain: LogDomain.System, StepId: null, Message: "Run started", Level: LogLevelName.Information });
        Assert.Contains(logs, l => l.Domain == LogDomain.Step && l.StepId == "a" && l.Message.StartsWith("Step 'a' succeeded", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Domain == LogDomain.System && l.Message.StartsWith("Run succeeded", StringComparison.Ordinal));
        Assert.All(logs, l => Assert.Equal(CoreDesk.Epoch, l.Time));
    }

    [Fact]
    public async Task A_finished_run_is_not_run_again()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1)));

        var ranAgain = await _desk.Get<WorkflowRunner>().RunAsync(execution.Id, CancellationToken.None);

        Assert.False(ranAgain);
        Assert.Equal(1, (await _desk.ExecutionAsync(execution.Id)).Steps[0].Attempts);
    }
}
