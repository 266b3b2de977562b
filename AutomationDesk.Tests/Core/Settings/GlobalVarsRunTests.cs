using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Settings;

/// <summary>Templates read the desk's global variables (settings <c>vars.*</c>) as <c>${vars.name}</c>; a workflow's own win.</summary>
public sealed class GlobalVarsRunTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private Task SetVarAsync(string name, JsonNode? value) =>
        _desk.Get<DeskSettings>().ChangeAsync(DeskSettingKeys.VarsPrefix + name, value, Actor.User("admin@desk.test"), CancellationToken.None);

    private static JsonNode? Output(AutomationDesk.Core.Execution.Execution execution, string stepId) => StoredJson.Parse(execution.Steps.Single(s => s.StepId == stepId).OutputJson);

    [Fact]
    public async Task A_run_reads_a_global_variable_whole_and_inside_text()
    {
        await SetVarAsync("region", new JsonObject { ["name"] = "eu-west", ["zones"] = new JsonArray(1, 2) });

        var execution = await _desk.RunAsync(Workflow(
            Transform("whole", "${vars.region}"),
            Transform("text", "Deploying to ${vars.region.name}, zone ${vars.region.zones[1]}")));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal("eu-west", (string)Output(execution, "whole")!["name"]!);
        Assert.Equal("Deploying to eu-west, zone 2", (string)Output(execution, "text")!);
    }

    [Fact]
    public async Task A_workflows_own_vars_win_over_a_global_variable_of_the_same_name_and_the_others_still_read()
    {
        await SetVarAsync("region", "eu-west");
        await SetVarAsync("team", "ops");

        var execution = await _desk.RunAsync(Workflow(Transform("read", new JsonArray("${vars.region}", "${vars.team}")))
            .WithSettings(new JsonObject { ["vars"] = new JsonObject { ["region"] = "us-east" } }));

        Assert.Equal("""["us-east","ops"]""", execution.Steps.Single().OutputJson);
    }

    [Fact]
    public async Task A_variable_changed_after_a_run_is_read_by_the_next_run()
    {
        await SetVarAsync("greeting", "hello");
        var workflowId = await _desk.SaveAsync(Workflow(Transform("say", "${vars.greeting}")));
        var first = await _desk.StartAsync(workflowId);
        await _desk.RunDueWorkAsync();

        await SetVarAsync("greeting", "bonjour");
        var second = await _desk.StartAsync(workflowId);
        await _desk.RunDueWorkAsync();

        Assert.Equal("\"hello\"", (await _desk.ExecutionAsync(first)).Steps.Single().OutputJson);
        Assert.Equal("\"bonjour\"", (await _desk.ExecutionAsync(second)).Steps.Single().OutputJson);
    }

    [Fact]
    public async Task A_draft_test_run_reads_global_variables_too()
    {
        await SetVarAsync("region", "eu-west");
        var draft = _desk.Get<WorkflowDefinitionReader>().Read(Workflow(Transform("read", "${vars.region}")));

        var started = await _desk.Get<ExecutionLauncher>().StartTestAsync(draft, null, [], Actor.User("tester@desk.test"), CancellationToken.None);
        await _desk.RunDueWorkAsync();

        Assert.Equal("\"eu-west\"", (await _desk.ExecutionAsync(started.Id)).Steps.Single().OutputJson);
    }
}
