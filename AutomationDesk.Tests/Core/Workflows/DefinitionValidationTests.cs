using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Workflows;

public sealed class DefinitionValidationTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private IReadOnlyDictionary<string, string[]> Refusal(JsonObject definition) =>
        Assert.Throws<WorkflowValidationException>(() => _desk.Get<WorkflowDefinitionReader>().Read(definition.ToJsonString())).Errors;

    [Fact]
    public void A_valid_definition_reads()
    {
        var definition = _desk.Get<WorkflowDefinitionReader>().Read(Workflow(Transform("a", 1), Transform("b", "${steps.a.output}")).ToJsonString());

        Assert.Equal(["a", "b"], definition.Steps.Select(s => s.Id));
    }

    [Fact]
    public void An_unknown_top_level_property_is_refused_by_name()
    {
        var definition = Workflow(Transform("a", 1));
        definition["colour"] = "blue";

        var errors = Refusal(definition);

        Assert.Contains("colour", errors.Keys);
        Assert.Contains("colour", errors["colour"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_step_property_is_refused_with_its_path()
    {
        var step = Transform("a", 1);
        step["retries"] = 3;

        var errors = Refusal(Workflow(step));

        Assert.Contains("steps[0].retries", errors.Keys);
    }

    [Fact]
    public void An_unknown_config_property_is_refused_with_its_path()
    {
        var errors = Refusal(Workflow(Transform("a", 1).With("colour", "blue")));

        Assert.Contains("colour", Assert.Single(errors["steps[0].config.colour"]), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_trigger_property_is_refused_with_its_path()
    {
        var definition = Workflow(Transform("a", 1));
        definition["trigger"] = new JsonObject { ["type"] = "schedule", ["schedule"] = new JsonObject { ["cronn"] = "* * * * *" } };

        var errors = Refusal(definition);

        Assert.Contains("trigger.schedule.cronn", errors.Keys);
    }

    [Fact]
    public void A_condition_with_an_unknown_operator_is_refused_with_its_path()
    {
        var errors = Refusal(Workflow(Transform("a", 1), Transform("b", 2)
            .When(new JsonObject { ["left"] = "${steps.a.output}", ["operator"] = "like", ["right"] = 1 })));

        Assert.Contains("steps[1].when.operator", errors.Keys);
    }

    [Theory]
    [InlineData("Fetch")]
    [InlineData("1st")]
    [InlineData("fetch-data")]
    [InlineData("")]
    public void A_bad_step_id_is_refused(string id)
    {
        var errors = Refusal(Workflow(Transform(id, 1)));

        Assert.Contains("steps[0].id", errors.Keys);
    }

    [Fact]
    public void A_duplicate_step_id_is_refused_at_the_second_use()
    {
        var errors = Refusal(Workflow(Transform("a", 1), Transform("a", 2)));

        Assert.Contains("used twice", Assert.Single(errors["steps[1].id"]), StringComparison.Ordinal);
        Assert.DoesNotContain("steps[0].id", errors.Keys);
    }

    [Fact]
    public void An_unknown_step_type_is_refused_and_the_known_types_listed()
    {
        var errors = Refusal(Workflow(Step("a", "teleport")));

        var message = Assert.Single(errors["steps[0].type"]);
        Assert.Contains("teleport", message, StringComparison.Ordinal);
        Assert.Contains("http.request", message, StringComparison.Ordinal);
    }

    [Fact]
    public void DependsOn_naming_a_missing_step_is_refused()
    {
        var errors = Refusal(Workflow(Transform("a", 1), Transform("b", 2).DependsOn("ghost")));

        Assert.Contains("ghost", Assert.Single(errors["steps[1].dependsOn"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_is_refused_and_its_steps_named()
    {
        var errors = Refusal(Workflow(
            Transform("a", 1).DependsOn("c"),
            Transform("b", 2).DependsOn("a"),
            Transform("c", 3).DependsOn("b")));

        var message = errors.Values.SelectMany(m => m).Single(m => m.Contains("cycle", StringComparison.Ordinal));
        Assert.Contains("a → c → b → a", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_naming_a_step_that_is_not_upstream_is_refused()
    {
        var errors = Refusal(Workflow(
            Transform("a", 1),
            Transform("b", "${steps.c.output}").DependsOn("a"),
            Transform("c", 3).DependsOn("a")));

        var message = Assert.Single(errors["steps[1].config.value"]);
        Assert.Contains("'c'", message, StringComparison.Ordinal);
        Assert.Contains("not upstream", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_naming_a_later_step_is_refused()
    {
        var errors = Refusal(Workflow(Transform("a", "${steps.b.output}"), Transform("b", 2)));

        Assert.Contains("steps[0].config.value", errors.Keys);
    }

    [Fact]
    public void A_template_naming_a_step_that_runs_after_it_advises_moving_the_step_not_a_cycle()
    {
        var errors = Refusal(Workflow(Transform("a", "${steps.b.output}"), Transform("b", 2)));

        var message = Assert.Single(errors["steps[0].config.value"]);
        Assert.Contains("move this step below 'b'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("dependsOn", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = Refusal(Workflow(Step("Bad", "teleport"), Transform("b", 1).DependsOn("ghost")));

        Assert.Contains("steps[0].id", errors.Keys);
        Assert.Contains("steps[0].type", errors.Keys);
        Assert.Contains("steps[1].dependsOn", errors.Keys);
    }

    [Fact]
    public async Task A_refused_create_writes_nothing()
    {
        var store = _desk.Get<WorkflowStore>();

        await Assert.ThrowsAsync<WorkflowValidationException>(() =>
            store.CreateAsync(Workflow(Step("a", "teleport")).ToJsonString(), Actor.System, CancellationToken.None));

        await using var db = _desk.NewDb();
        Assert.Equal(0, await db.Workflows.CountAsync());
        Assert.Equal(0, await db.WorkflowVersions.CountAsync());
        Assert.Equal(0, await db.AuditEvents.CountAsync());
    }

    [Fact]
    public async Task A_refused_update_leaves_the_saved_version_as_it_was()
    {
        var id = await _desk.SaveAsync(Workflow(Transform("a", 1)));

        await Assert.ThrowsAsync<WorkflowValidationException>(() => _desk.Get<WorkflowStore>()
            .UpdateAsync(id, Workflow(Transform("a", 1), Transform("b", 2).DependsOn("ghost")).ToJsonString(), Actor.System, CancellationToken.None));

        await using var db = _desk.NewDb();
        var workflow = await db.Workflows.SingleAsync();
        Assert.Equal(1, workflow.Version);
        Assert.DoesNotContain("ghost", workflow.DefinitionJson, StringComparison.Ordinal);
        Assert.Equal(1, await db.WorkflowVersions.CountAsync());
        Assert.Equal(["workflow.create"], await db.AuditEvents.Select(a => a.Action).ToListAsync());
    }
}
