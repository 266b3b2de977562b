using System.Net;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>Limits checked at save answer 400 with the field named, through create, update and import alike.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class SaveTimeLimitsApiTests(DeskApp desk)
{
    private static JsonObject WithStepTimeout(string name, string timeout)
    {
        var definition = Workflows.SaveCustomer(name, "limits");
        definition["steps"]![1]!["timeout"] = timeout;
        return definition;
    }

    [Fact]
    public async Task Creating_a_workflow_with_a_step_timeout_of_60_days_is_a_400_naming_the_step_timeout()
    {
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", WithStepTimeout(Workflows.UniqueName("Too long"), "60.00:00:00").ToJsonString());

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "steps[1].timeout");
        Assert.Contains("steps[1].timeout: At most 24 hours.", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updating_a_workflow_with_a_text_schema_version_is_a_400()
    {
        var definition = Workflows.SaveCustomer(Workflows.UniqueName("Text version"), "limits");
        var created = await Workflows.CreateAsync(desk.Editor, definition);
        definition["schemaVersion"] = "1";

        using var response = await desk.Editor.PutTextAsync($"/api/v1/workflows/{created["id"]}", definition.ToJsonString());

        await response.ProblemAsync(HttpStatusCode.BadRequest, "schemaVersion");
    }

    [Fact]
    public async Task Importing_a_workflow_whose_name_has_a_line_break_is_a_400_naming_it()
    {
        var definition = Workflows.SaveCustomer(Workflows.UniqueName("Two") + "\nlines", "limits");

        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows/import", new JsonArray(definition).ToJsonString());

        await response.ProblemAsync(HttpStatusCode.BadRequest, "workflows[0].name");
    }

    [Fact]
    public async Task Creating_a_workflow_with_an_upper_case_collection_is_a_400_naming_it()
    {
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", Workflows.SaveCustomer(Workflows.UniqueName("Bad collection"), "Orders").ToJsonString());

        await response.ProblemAsync(HttpStatusCode.BadRequest, "steps[0].config.collection");
    }
}
