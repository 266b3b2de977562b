using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

public sealed class ConditionStepTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private static JsonObject Body() => new()
    {
        ["body"] = new JsonObject
        {
            ["n"] = 10,
            ["nine"] = "9",
            ["s"] = "hello world",
            ["blank"] = "",
            ["none"] = null,
            ["list"] = new JsonArray(1, 2, 3),
            ["nothing"] = new JsonArray(),
            ["obj"] = new JsonObject { ["k"] = 1 },
            ["looks_like_a_template"] = "${not.a.path}",
        },
    };

    private async Task<StepRun> RunAsync(JsonObject condition)
    {
        var execution = await fixture.Desk.RunAsync(Workflow(condition), Body());
        return Assert.Single(execution.Steps);
    }

    private static bool? Result(StepRun step) => StoredJson.Parse(step.OutputJson)?["result"]?.GetValue<bool>();

    [Theory]
    [InlineData("n", "exists", null, true)]
    [InlineData("missing", "exists", null, false)]
    [InlineData("none", "exists", null, false)]
    [InlineData("looks_like_a_template", "exists", null, true)]
    [InlineData("missing", "empty", null, true)]
    [InlineData("blank", "empty", null, true)]
    [InlineData("nothing", "empty", null, true)]
    [InlineData("none", "empty", null, true)]
    [InlineData("s", "empty", null, false)]
    [InlineData("list", "empty", null, false)]
    [InlineData("s", "eq", "\"hello world\"", true)]
    [InlineData("n", "eq", "\"10\"", true)]
    [InlineData("n", "eq", "11", false)]
    [InlineData("n", "ne", "11", true)]
    [InlineData("s", "contains", "\"world\"", true)]
    [InlineData("s", "contains", "\"moon\"", false)]
    [InlineData("list", "contains", "2", true)]
    [InlineData("list", "contains", "5", false)]
    [InlineData("obj", "contains", "\"k\"", true)]
    [InlineData("s", "startsWith", "\"hello\"", true)]
    [InlineData("n", "gt", "9", true)]
    [InlineData("n", "gt", "\"9\"", true)]
    [InlineData("n", "gt", "10", false)]
    [InlineData("n", "gte", "10", true)]
    [InlineData("n", "lt", "9", false)]
    [InlineData("n", "lte", "10", true)]
    public async Task The_output_is_the_result_of_the_comparison(string field, string op, string? right, bool expected)
    {
        var step = await RunAsync(Condition("check", $"${{trigger.body.{field}}}", op, right is null ? null : JsonNode.Parse(right)));

        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(expected, Result(step));
    }

    [Fact]
    public async Task A_right_side_template_is_compared_by_value()
    {
        var step = await RunAsync(Condition("check", "${trigger.body.n}", "gt", "${trigger.body.nine}"));

        Assert.True(Result(step));
    }

    [Fact]
    public async Task All_and_any_combine_conditions()
    {
        var big = new JsonObject { ["left"] = "${trigger.body.n}", ["operator"] = "gt", ["right"] = 5 };
        var missing = new JsonObject { ["left"] = "${trigger.body.missing}", ["operator"] = "exists" };

        var all = await RunAsync(Step("check", "condition", new JsonObject { ["all"] = new JsonArray(big.DeepClone(), missing.DeepClone()) }));
        var any = await RunAsync(Step("check", "condition", new JsonObject { ["any"] = new JsonArray(big.DeepClone(), missing.DeepClone()) }));

        Assert.False(Result(all));
        Assert.True(Result(any));
    }

    [Fact]
    public async Task The_stored_input_shows_the_values_compared()
    {
        var step = await RunAsync(Condition("check", "${trigger.body.missing}", "exists"));

        Assert.Equal("""{"left":null,"operator":"exists"}""", step.InputJson);
    }

    [Fact]
    public async Task An_unknown_path_outside_exists_and_empty_still_fails_the_step_naming_it()
    {
        var step = await RunAsync(Condition("check", "${trigger.body.missing}", "eq", 1));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("trigger.body.missing", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_when_that_asks_whether_a_missing_value_exists_skips_the_step()
    {
        var execution = await fixture.Desk.RunAsync(Workflow(
            Transform("a", 1),
            Transform("b", 2).When(new JsonObject { ["left"] = "${trigger.body.missing}", ["operator"] = "exists" }),
            Transform("c", 3).DependsOn("a").When(new JsonObject { ["left"] = "${trigger.body.missing}", ["operator"] = "empty" })), Body());

        Assert.Equal(StepStatus.Skipped, execution.Steps[1].Status);
        Assert.Equal(StepStatus.Succeeded, execution.Steps[2].Status);
    }

    [Fact]
    public async Task A_later_step_runs_only_when_the_condition_held()
    {
        var execution = await fixture.Desk.RunAsync(Workflow(
            Condition("big", "${trigger.body.n}", "gt", 50),
            Transform("thank", "thanks").When("${steps.big.output.result}")), Body());

        Assert.False(Result(execution.Steps[0]));
        Assert.Equal(StepStatus.Skipped, execution.Steps[1].Status);
    }
}
