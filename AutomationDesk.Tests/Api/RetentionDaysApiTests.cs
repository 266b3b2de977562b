using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Api;

/// <summary>A workflow's <c>settings.retentionDays</c>: how long its runs are kept, checked when it is saved.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class RetentionDaysApiTests(DeskApp desk)
{
    private static JsonObject Keeping(JsonNode? days) =>
        Workflow(Workflows.UniqueName("Kept"), Transform("a", 1)).WithSettings(new JsonObject { ["retentionDays"] = days });

    [Theory]
    [InlineData("0")]
    [InlineData("3651")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("\"a month\"")]
    public async Task A_workflow_keeping_runs_for_a_wrong_number_of_days_is_refused_naming_the_field(string days)
    {
        using var refused = await desk.Editor.PostTextAsync("/api/v1/workflows", Keeping(JsonNode.Parse(days)).ToJsonString());

        await refused.ProblemAsync(HttpStatusCode.BadRequest, "settings.retentionDays");
    }

    [Fact]
    public async Task Days_within_bounds_are_saved_and_read_back_as_the_workflows_retention()
    {
        var created = await Workflows.CreateAsync(desk.Editor, Keeping(3650));

        var read = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{created["id"]}");

        Assert.Equal(3650, (int)read["settings"]!["retentionDays"]!);
        var definition = System.Text.Json.JsonSerializer.Deserialize<WorkflowDefinition>(read.ToJsonString(), DeskJson.Lenient)!;
        Assert.Equal(3650, definition.Settings!.RetentionDays);
    }
}
