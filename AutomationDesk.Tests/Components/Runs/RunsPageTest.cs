using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>The run-watching pages' tests: workflows saved and runs started through the real Core services.</summary>
public abstract class RunsPageTest : DeskPageTest
{
    public const string WritePolicy = "desk.write";
    public const string ReadPolicy = "desk.read";

    protected RunsPageTest() => Auth.SetPolicies(ReadPolicy, WritePolicy);

    /// <summary>A workflow of transform steps; a step's value may hold templates.</summary>
    protected async Task<Guid> SaveWorkflowAsync(string name, string stepsJson, string? settingsJson = null)
    {
        var settings = settingsJson is null ? "" : $", \"settings\": {settingsJson}";
        var json = $$"""{ "schemaVersion": 1, "name": "{{name}}", "trigger": { "type": "manual" }, "steps": {{stepsJson}}{{settings}} }""";
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(json, Actor.System, CancellationToken.None);
        return saved["id"]!.GetValue<Guid>();
    }

    protected Task<Guid> SaveSucceedingWorkflowAsync(string name) =>
        SaveWorkflowAsync(name, """[ { "id": "greet", "type": "transform", "config": { "value": { "hello": "${trigger.who}" } } } ]""");

    /// <summary>Its only step reads a trigger field that is never given, so it fails with the path named.</summary>
    protected Task<Guid> SaveFailingWorkflowAsync(string name) =>
        SaveWorkflowAsync(name, """[ { "id": "broken", "type": "transform", "config": { "value": "${trigger.missing.field}" } } ]""");

    protected Task<ExecutionSummary> StartAsync(Guid workflowId, string who = "ada") =>
        Services.GetRequiredService<ExecutionLauncher>().StartAsync(workflowId,
            new RunRequest("manual", new JsonObject { ["who"] = who }), Actor.User("tester@desk.test"), CancellationToken.None);

    protected async Task<ExecutionSummary> RunToEndAsync(Guid workflowId, string who = "ada")
    {
        var started = await StartAsync(workflowId, who);
        await RunQueuedAsync();
        return started;
    }
}
