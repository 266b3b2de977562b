using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public class WorkflowsApiTests(DeskApp desk)
{
    [Fact]
    public async Task Create_answers_201_with_the_location_and_the_definition_plus_id_version_and_times()
    {
        var name = Workflows.UniqueName("Created");
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", Workflows.SaveCustomer(name, "created", "billing").ToJsonString());
        var workflow = await response.JsonAsync(HttpStatusCode.Created);

        var id = ApiAnswers.V7(workflow["id"]);
        Assert.Equal($"/api/v1/workflows/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(name, (string)workflow["name"]!);
        Assert.Equal(1, (int)workflow["version"]!);
        Assert.True((bool)workflow["enabled"]!);
        Assert.Equal(["billing"], workflow["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("manual", (string)workflow["trigger"]!["type"]!);
        Assert.Equal(["save", "shape"], workflow["steps"]!.AsArray().Select(s => (string)s!["id"]!));
        var createdAt = DateTimeOffset.Parse((string)workflow["createdAt"]!, CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, createdAt.Offset);
        Assert.Equal((string)workflow["createdAt"]!, (string)workflow["updatedAt"]!);

        var read = await desk.Viewer.GetJsonAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(Milliseconds(workflow["createdAt"]), Milliseconds(read["createdAt"]));
        foreach (var stored in new[] { workflow, read })
        {
            stored.Remove("createdAt");
            stored.Remove("updatedAt");
        }
        Assert.True(JsonNode.DeepEquals(workflow, read), $"{workflow.ToJsonString()} != {read.ToJsonString()}");
    }

    [Fact]
    public async Task What_GET_answers_can_be_changed_and_PUT_back()
    {
        using var created = await desk.Editor.PostTextAsync("/api/v1/workflows", Workflows.SaveCustomer(Workflows.UniqueName("Round trip"), "trip").ToJsonString());
        var workflow = await created.JsonAsync(HttpStatusCode.Created);
        var read = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{workflow["id"]}");
        read["description"] = "changed after reading";

        using var update = await desk.Editor.PutTextAsync($"/api/v1/workflows/{workflow["id"]}", read.ToJsonString());
        var updated = await update.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, (int)updated["version"]!);
        Assert.Equal("changed after reading", (string)updated["description"]!);
    }

    [Fact]
    public async Task A_body_naming_another_workflow_is_refused_at_its_id()
    {
        using var created = await desk.Editor.PostTextAsync("/api/v1/workflows", Workflows.SaveCustomer(Workflows.UniqueName("Other id"), "other").ToJsonString());
        var workflow = await created.JsonAsync(HttpStatusCode.Created);
        workflow["id"] = Guid.CreateVersion7().ToString();

        using var update = await desk.Editor.PutTextAsync($"/api/v1/workflows/{(string)created.Headers.Location!.OriginalString.Split('/')[^1]}", workflow.ToJsonString());

        await update.ProblemAsync(HttpStatusCode.BadRequest, "id");
    }

    /// <summary>A stored time to the millisecond: the database keeps no finer.</summary>
    private static DateTimeOffset Milliseconds(JsonNode? time)
    {
        var parsed = DateTimeOffset.Parse((string)time!, CultureInfo.InvariantCulture);
        return parsed.AddTicks(-(parsed.Ticks % TimeSpan.TicksPerMillisecond));
    }

    [Fact]
    public async Task An_unknown_workflow_is_a_404_problem()
    {
        using var response = await desk.Viewer.GetAsync($"/api/v1/workflows/{Guid.CreateVersion7()}");
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_list_filters_by_text_tag_and_enabled_and_pages()
    {
        var tag = $"t{Guid.NewGuid():N}"[..20];
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var definition = Workflows.SaveCustomer(Workflows.UniqueName($"Listed {i}"), "listed", tag);
            definition["enabled"] = i != 1;
            names.Add((string)definition["name"]!);
            await Workflows.CreateAsync(desk.Editor, definition);
        }

        var tagged = await desk.Viewer.GetPageAsync($"/api/v1/workflows?tag={tag}");
        Assert.Equal(names.AsEnumerable().Reverse(), tagged.Select(w => (string)w!["name"]!)); // newest first
        var listed = tagged[0]!.AsObject();
        foreach (var field in new[] { "id", "name", "description", "tags", "enabled", "triggerType", "version", "createdAt", "updatedAt", "lastRun" })
        {
            Assert.True(listed.ContainsKey(field), $"A list item has '{field}': {listed.ToJsonString()}");
        }

        var disabled = await desk.Viewer.GetPageAsync($"/api/v1/workflows?tag={tag}&enabled=false");
        Assert.Equal([names[1]], disabled.Select(w => (string)w!["name"]!));
        Assert.Equal(2, (await desk.Viewer.GetPageAsync($"/api/v1/workflows?tag={tag}&enabled=true")).Count);

        var byText = await desk.Viewer.GetPageAsync($"/api/v1/workflows?q={Uri.EscapeDataString(names[2][^12..])}");
        Assert.Equal([names[2]], byText.Select(w => (string)w!["name"]!));

        using var first = await desk.Viewer.GetAsync($"/api/v1/workflows?tag={tag}&pageSize=2");
        var firstBody = await first.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, (int)firstBody["total"]!);
        Assert.Equal(2, firstBody["items"]!.AsArray().Count);
        var second = await desk.Viewer.GetPageAsync($"/api/v1/workflows?tag={tag}&pageSize=2&page=2", page: 2, pageSize: 2);
        Assert.Equal([names[0]], second.Select(w => (string)w!["name"]!));
    }

    [Theory]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task Paging_out_of_range_is_a_400_naming_the_parameter(string query, string field)
    {
        using var response = await desk.Viewer.GetAsync($"/api/v1/workflows?{query}");
        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_changed_definition_makes_a_new_version_and_an_old_one_can_be_restored()
    {
        var definition = Workflows.SaveCustomer(Workflows.UniqueName("Versioned"), "versioned");
        var workflow = await Workflows.CreateAsync(desk.Editor, definition);
        var path = $"/api/v1/workflows/{workflow["id"]}";

        definition["description"] = "Second take";
        using (var update = await desk.Editor.PutTextAsync(path, definition.ToJsonString()))
        {
            var updated = await update.JsonAsync(HttpStatusCode.OK);
            Assert.Equal(2, (int)updated["version"]!);
            Assert.Equal("Second take", (string)updated["description"]!);
        }
        using (var same = await desk.Editor.PutTextAsync(path, definition.ToJsonString()))
        {
            Assert.Equal(2, (int)(await same.JsonAsync(HttpStatusCode.OK))["version"]!);
        }

        var versions = await desk.Viewer.GetPageAsync($"{path}/versions");
        Assert.Equal([2, 1], versions.Select(v => (int)v!["version"]!));
        Assert.All(versions, v => Assert.Contains("editor-", (string)v!["createdBy"]!, StringComparison.Ordinal));
        var first = await desk.Viewer.GetJsonAsync($"{path}/versions/1");
        Assert.Equal("Stores the customer", (string)first["definition"]!["description"]!);

        using var restore = await desk.Editor.PostAsync($"{path}/versions/1/restore", null);
        var restored = await restore.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, (int)restored["version"]!);
        Assert.Equal("Stores the customer", (string)restored["description"]!);
        Assert.Equal(3, (await desk.Viewer.GetPageAsync($"{path}/versions")).Count);

        using var missing = await desk.Viewer.GetAsync($"{path}/versions/9");
        await missing.ProblemAsync(HttpStatusCode.NotFound);
        using var restoreMissing = await desk.Editor.PostAsync($"{path}/versions/9/restore", null);
        await restoreMissing.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_disabled_workflow_does_not_run_until_enabled_again()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Switched"), "switched"));
        var path = $"/api/v1/workflows/{workflow["id"]}";

        using (var disable = await desk.Editor.PostAsync($"{path}/disable", null))
        {
            Assert.False((bool)(await disable.JsonAsync(HttpStatusCode.OK))["enabled"]!);
        }
        using (var refused = await desk.Editor.PostAsJsonAsync($"{path}/execute", new { customer = "c1" }))
        {
            await refused.ProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflow["id"]}"));

        using (var enable = await desk.Editor.PostAsync($"{path}/enable", null))
        {
            Assert.True((bool)(await enable.JsonAsync(HttpStatusCode.OK))["enabled"]!);
        }
        using var accepted = await desk.Editor.PostAsJsonAsync($"{path}/execute", new { customer = "c1" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_the_workflow_and_a_second_delete_is_404()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Deleted"), "deleted"));
        var path = $"/api/v1/workflows/{workflow["id"]}";

        using var delete = await desk.Editor.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var read = await desk.Viewer.GetAsync(path);
        await read.ProblemAsync(HttpStatusCode.NotFound);
        using var again = await desk.Editor.DeleteAsync(path);
        await again.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Answers_are_camel_case()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Cased"), "cased"));
        using var response = await desk.Viewer.GetAsync("/api/v1/workflows?pageSize=1");
        var body = await response.JsonAsync(HttpStatusCode.OK);
        Assert.All(body["items"]![0]!.AsObject().Concat(workflow), p => Assert.True(char.IsLower(p.Key[0]), $"'{p.Key}' is not camelCase"));
    }
}
