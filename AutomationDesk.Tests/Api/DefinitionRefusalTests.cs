using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>A definition the desk refuses answers 400 with a problem body whose <c>errors</c> name the field; nothing is saved.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class DefinitionRefusalTests(DeskApp desk)
{
    private static JsonObject Definition(params JsonObject[] steps) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = Workflows.UniqueName("Refused"),
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray(steps),
    };

    private static JsonObject Step(string id, string type = "transform", JsonNode? config = null, string[]? dependsOn = null)
    {
        var step = new JsonObject { ["id"] = id, ["type"] = type, ["config"] = config ?? new JsonObject { ["value"] = 1 } };
        if (dependsOn is not null)
        {
            step["dependsOn"] = new JsonArray(dependsOn.Select(d => (JsonNode?)d).ToArray());
        }
        return step;
    }

    private async Task<JsonObject> RefusedAsync(JsonObject definition, string field)
    {
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", definition.ToJsonString());
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Empty(await desk.Editor.GetPageAsync($"/api/v1/workflows?q={Uri.EscapeDataString((string)definition["name"]!)}"));
        return problem;
    }

    [Fact]
    public async Task An_unknown_property_of_the_definition_is_named()
    {
        var definition = Definition(Step("a"));
        definition["colour"] = "red";
        var problem = await RefusedAsync(definition, "colour");
        Assert.Contains("colour", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_property_of_a_step_config_is_named()
    {
        await RefusedAsync(Definition(Step("a", config: new JsonObject { ["value"] = 1, ["colour"] = "red" })), "steps[0].config.colour");
    }

    [Fact]
    public async Task A_bad_step_id_is_named()
    {
        await RefusedAsync(Definition(Step("Bad-Id")), "steps[0].id");
    }

    [Fact]
    public async Task A_duplicate_step_id_is_named()
    {
        await RefusedAsync(Definition(Step("a"), Step("a")), "steps[1].id");
    }

    [Fact]
    public async Task An_unknown_step_type_is_named()
    {
        var problem = await RefusedAsync(Definition(Step("a", type: "teleport")), "steps[0].type");
        Assert.Contains("teleport", problem["errors"]!["steps[0].type"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_on_a_missing_step_is_named()
    {
        await RefusedAsync(Definition(Step("a"), Step("b", dependsOn: ["ghost"])), "steps[1].dependsOn");
    }

    [Fact]
    public async Task A_cycle_is_named_on_a_step_in_it()
    {
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", Definition(Step("a", dependsOn: ["b"]), Step("b", dependsOn: ["a"])).ToJsonString());
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var (field, messages) = Assert.Single(problem["errors"]!.AsObject());
        Assert.Matches(@"^steps\[[01]\]\.dependsOn$", field);
        Assert.Contains("cycle", messages![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_naming_a_step_that_is_not_upstream_is_named()
    {
        var problem = await RefusedAsync(
            Definition(Step("a", config: new JsonObject { ["value"] = "${steps.b.output}" }, dependsOn: []), Step("b", dependsOn: [])),
            "steps[0].config.value");
        Assert.Contains("not upstream", problem["errors"]!["steps[0].config.value"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_400()
    {
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", "{ \"name\": ");
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_update_with_a_refused_definition_changes_nothing()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Kept"), "kept"));
        var broken = workflow.DeepClone().AsObject();
        foreach (var added in new[] { "id", "version", "createdAt", "updatedAt" })
        {
            broken.Remove(added);
        }
        broken["steps"]![0]!["type"] = "teleport";
        using var response = await desk.Editor.PutTextAsync($"/api/v1/workflows/{workflow["id"]}", broken.ToJsonString());
        await response.ProblemAsync(HttpStatusCode.BadRequest, "steps[0].type");
        var stored = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{workflow["id"]}");
        Assert.Equal(1, (int)stored["version"]!);
        Assert.Equal("record.create", (string)stored["steps"]![0]!["type"]!);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused_with_413()
    {
        var definition = Definition(Step("a"));
        definition["description"] = new string('x', 1024 * 1024);
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", definition.ToJsonString());
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_streamed_body_without_a_length_is_cut_off_at_one_mebibyte_with_413()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"description\":\"" + new string('x', 1024 * 1024) + "\"}");
        using var content = new StreamContent(new UnseekableStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await desk.Editor.PostAsync("/api/v1/workflows", content);
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>A body whose length the client cannot know in advance, so it is sent without Content-Length.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
