using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Core.Workflows;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class WorkflowTransferApiTests(DeskApp desk)
{
    private async Task<JsonObject> ImportAsync(JsonNode body, string query = "", HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/import{query}", body.ToJsonString());
        return await response.JsonAsync(expected);
    }

    private static JsonObject SeedEra(string name)
    {
        var seed = JsonNode.Parse(SeedEraDefinitionTests.FullSeedEraWorkflow)!.AsObject();
        seed["name"] = name;
        return seed;
    }

    private async Task<List<string>> NamesLikeAsync(string name) =>
        (await desk.Viewer.GetPageAsync($"/api/v1/workflows?q={Uri.EscapeDataString(name)}")).Select(w => (string)w!["name"]!).ToList();

    [Fact]
    public async Task A_seed_era_workflow_is_rewritten_on_import_and_its_steps_run()
    {
        var name = Workflows.UniqueName("Seed era");

        var report = await ImportAsync(SeedEra(name));

        var imported = report["workflows"]![0]!;
        Assert.Equal("created", (string)imported["action"]!);
        Assert.True((bool)imported["rewritten"]!);
        Assert.Equal(name, (string)imported["name"]!);
        var id = ApiAnswers.V7(imported["id"]);
        var workflow = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{id}");
        Assert.Equal(1, (int)workflow["schemaVersion"]!);
        Assert.Equal("webhook", (string)workflow["trigger"]!["type"]!);
        Assert.Equal(["record.create", "notification.send"], workflow["steps"]!.AsArray().Select(s => (string)s!["type"]!));

        var run = await Workflows.RunAsync(desk.Editor, id, new { customer = "c-41", amount = 30 });

        Assert.Equal("Succeeded", (string)run["status"]!);
        Assert.All(run["steps"]!.AsArray(), s => Assert.Equal("Succeeded", (string)s!["status"]!));
        Assert.Equal("c-41", (string)run["steps"]![0]!["output"]!["data"]!["customer"]!);
        var records = await desk.Viewer.GetPageAsync("/api/v1/collections/seed_payments/records?q=c-41");
        Assert.Contains(records, r => (string)r!["id"]! == (string)run["steps"]![0]!["output"]!["id"]!);
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_happen_and_writes_nothing()
    {
        var name = Workflows.UniqueName("Dry run");

        var report = await ImportAsync(new JsonArray(Workflows.SaveCustomer(name, "dry"), SeedEra(name + " seed")), "?dryRun=true");

        Assert.True((bool)report["dryRun"]!);
        Assert.Equal(["created", "created"], report["workflows"]!.AsArray().Select(w => (string)w!["action"]!));
        Assert.Empty(await NamesLikeAsync(name));
        using var missing = await desk.Viewer.GetAsync($"/api/v1/workflows/{report["workflows"]![0]!["id"]}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_invalid_item_refuses_the_whole_import_naming_its_place_and_nothing_is_written()
    {
        var name = Workflows.UniqueName("All or nothing");
        var broken = Workflows.SaveCustomer(name + " broken", "broken");
        broken["steps"]![0]!["type"] = "record.destroy";
        var seed = SeedEra(name + " seed");
        seed["actions"]![1]!["type"] = "post_to_slack";

        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows/import",
            new JsonObject { ["workflows"] = new JsonArray(Workflows.SaveCustomer(name, "fine"), broken, seed) }.ToJsonString());

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "workflows[1].steps[0].type");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("workflows[2].actions[1].type"), problem.ToJsonString());
        Assert.Equal(["created", "invalid", "invalid"], problem["workflows"]!.AsArray().Select(w => (string)w!["action"]!));
        Assert.Empty(await NamesLikeAsync(name));
    }

    [Fact]
    public async Task A_workflow_already_there_is_skipped_merged_or_overwritten_as_the_strategy_says()
    {
        var name = Workflows.UniqueName("Strategies");
        var original = Workflows.SaveCustomer(name, "strategies", "first");
        var id = ApiAnswers.V7((await ImportAsync(original))["workflows"]![0]!["id"]);
        var changed = Workflows.SaveCustomer(name, "strategies", "second");
        changed.Remove("description");

        var skipped = (await ImportAsync(changed, "?strategy=skip"))["workflows"]![0]!;
        Assert.Equal(("skipped", id, 1), ((string)skipped["action"]!, Guid.Parse((string)skipped["id"]!), (int)skipped["version"]!));
        Assert.Equal(1, (int)(await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{id}"))["version"]!);

        var merged = (await ImportAsync(changed, "?strategy=merge"))["workflows"]![0]!;
        var afterMerge = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{id}");
        Assert.Equal(("updated", 2), ((string)merged["action"]!, (int)merged["version"]!));
        Assert.Equal(["second"], afterMerge["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("Stores the customer", (string)afterMerge["description"]!); // left out of the import, so kept

        var again = (await ImportAsync(changed, "?strategy=merge"))["workflows"]![0]!;
        Assert.Equal(("unchanged", 2), ((string)again["action"]!, (int)again["version"]!));

        var overwritten = (await ImportAsync(changed, "?strategy=overwrite"))["workflows"]![0]!;
        var afterOverwrite = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{id}");
        Assert.Equal(("updated", 3), ((string)overwritten["action"]!, (int)overwritten["version"]!));
        Assert.Null(afterOverwrite["description"]);
        Assert.Equal(3, (await desk.Viewer.GetPageAsync($"/api/v1/workflows/{id}/versions")).Count);
    }

    [Fact]
    public async Task What_export_writes_imports_back_with_the_same_ids()
    {
        var name = Workflows.UniqueName("Round trip");
        var kept = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(name + " kept", "trip"));
        var lost = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(name + " lost", "trip"));
        var export = await desk.Viewer.PostJsonAsync("/api/v1/workflows/export", new { ids = new[] { kept["id"]!.ToString(), lost["id"]!.ToString() } }, HttpStatusCode.OK);
        Assert.NotNull(export["exportedAt"]);
        Assert.Equal([(string)kept["id"]!, (string)lost["id"]!], export["workflows"]!.AsArray().Select(w => (string)w!["id"]!));
        var changed = (JsonObject)kept.DeepClone();
        changed["description"] = "changed after the export";
        using (var update = await desk.Editor.PutTextAsync($"/api/v1/workflows/{kept["id"]}", changed.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }
        using (var delete = await desk.Editor.DeleteAsync($"/api/v1/workflows/{lost["id"]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var report = await ImportAsync(export, "?strategy=overwrite");

        Assert.Equal(["updated", "created"], report["workflows"]!.AsArray().Select(w => (string)w!["action"]!));
        foreach (var exported in export["workflows"]!.AsArray())
        {
            var now = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{exported!["id"]}");
            Assert.Equal((string)exported["name"]!, (string)now["name"]!);
            Assert.True(JsonNode.DeepEquals(exported["steps"], now["steps"]));
            Assert.Equal("Stores the customer", (string)now["description"]!);
        }
    }

    [Fact]
    public async Task An_export_holds_secret_references_never_secret_values()
    {
        var secretName = $"export_{Guid.NewGuid():N}"[..20];
        const string value = "sk-live-export-test-value-42";
        using (var put = await desk.Admin.PutAsJsonAsync($"/api/v1/secrets/{secretName}", new { value }))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        var definition = Workflows.SaveCustomer(Workflows.UniqueName("Secretive"), "secretive");
        definition["steps"]![0]!["config"]!["data"]!["token"] = $"Bearer {value}";
        definition["trigger"] = JsonNode.Parse("""{ "type": "webhook", "webhook": { "signature": { "scheme": "hmac-sha256", "header": "X-Sig", "secret": "literal-signing-key" } } }""");
        var workflow = await Workflows.CreateAsync(desk.Editor, definition);

        using var response = await desk.Viewer.PostAsJsonAsync("/api/v1/workflows/export", new { ids = new[] { (string)workflow["id"]! } });
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        Assert.DoesNotContain("literal-signing-key", text, StringComparison.Ordinal);
        var exported = JsonNode.Parse(text)!["workflows"]![0]!;
        Assert.Equal($"Bearer ${{secrets.{secretName}}}", (string)exported["steps"]![0]!["config"]!["data"]!["token"]!);
        Assert.Equal("***", (string)exported["trigger"]!["webhook"]!["signature"]!["secret"]!);
    }

    [Fact]
    public async Task Bulk_enables_disables_archives_exports_and_deletes_over_ids()
    {
        var name = Workflows.UniqueName("Bulk");
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add((string)(await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer($"{name} {i}", "bulk")))["id"]!);
        }

        var disabled = await desk.Editor.PostJsonAsync("/api/v1/workflows/bulk", new { action = "disable", ids }, HttpStatusCode.OK);
        Assert.Equal(["disabled", "disabled"], disabled["workflows"]!.AsArray().Select(w => (string)w!["outcome"]!));
        foreach (var id in ids)
        {
            Assert.False((bool)(await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{id}"))["enabled"]!);
        }

        var enabled = await desk.Editor.PostJsonAsync("/api/v1/workflows/bulk", new { action = "enable", ids }, HttpStatusCode.OK);
        Assert.Equal(["enabled", "enabled"], enabled["workflows"]!.AsArray().Select(w => (string)w!["outcome"]!));

        await desk.Editor.PostJsonAsync("/api/v1/workflows/bulk", new { action = "archive", ids = ids.Take(1) }, HttpStatusCode.OK);
        var archived = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{ids[0]}");
        Assert.False((bool)archived["enabled"]!);
        Assert.Contains("archived", archived["tags"]!.AsArray().Select(t => (string)t!));

        var export = await desk.Editor.PostJsonAsync("/api/v1/workflows/bulk", new { action = "export", ids }, HttpStatusCode.OK);
        Assert.Equal(ids, export["workflows"]!.AsArray().Select(w => (string)w!["id"]!));

        var deleted = await desk.Editor.PostJsonAsync("/api/v1/workflows/bulk", new { action = "delete", ids }, HttpStatusCode.OK);
        Assert.Equal(["deleted", "deleted"], deleted["workflows"]!.AsArray().Select(w => (string)w!["outcome"]!));
        Assert.Empty(await NamesLikeAsync(name));
    }

    [Fact]
    public async Task A_bulk_change_naming_an_unknown_workflow_changes_nothing()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Bulk refused"), "bulk"));

        using var response = await desk.Editor.PostAsJsonAsync("/api/v1/workflows/bulk", new { action = "disable", ids = new[] { (string)workflow["id"]!, Guid.CreateVersion7().ToString() } });

        await response.ProblemAsync(HttpStatusCode.BadRequest, "ids[1]");
        Assert.True((bool)(await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{workflow["id"]}"))["enabled"]!);
    }

    [Theory]
    [InlineData("/api/v1/workflows/bulk", """{ "action": "shred", "ids": [] }""", "action")]
    [InlineData("/api/v1/workflows/export", """{ "ids": [] }""", "ids")]
    [InlineData("/api/v1/workflows/import?strategy=replace", """{ "name": "x" }""", "strategy")]
    [InlineData("/api/v1/workflows/import", """{ "workflows": [] }""", "workflows")]
    [InlineData("/api/v1/workflows/import", """{ "workflows": [ 1 ] }""", "workflows[0]")]
    [InlineData("/api/v1/workflows/import", """[ { "name": "x", "trigger_type": "teleport", "actions": [] } ]""", "workflows[0].trigger_type")]
    [InlineData("/api/v1/workflows/import", """{ "workflows": [], "comment": "hi" }""", "comment")]
    [InlineData("/api/v1/workflows/import", """{ "name": """, "$")]
    public async Task Bad_requests_are_a_400_naming_what_is_wrong(string path, string body, string field)
    {
        using var response = await desk.Editor.PostTextAsync(path, body);

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_viewer_may_export_but_not_import_or_change_in_bulk()
    {
        using var import = await desk.Viewer.PostTextAsync("/api/v1/workflows/import", Workflows.SaveCustomer(Workflows.UniqueName("Viewer"), "v").ToJsonString());
        using var bulk = await desk.Viewer.PostAsJsonAsync("/api/v1/workflows/bulk", new { action = "delete", ids = new[] { Guid.CreateVersion7() } });

        Assert.Equal(HttpStatusCode.Forbidden, import.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bulk.StatusCode);
    }

    [Fact]
    public async Task An_import_is_audited_for_each_workflow_it_writes()
    {
        var report = await ImportAsync(SeedEra(Workflows.UniqueName("Audited import")));
        var target = $"workflow:{report["workflows"]![0]!["id"]}";

        var trail = await desk.Viewer.GetPageAsync($"/api/v1/audit?target={Uri.EscapeDataString(target)}");

        var row = Assert.Single(trail)!;
        Assert.Equal("workflow.import", (string)row["action"]!);
        Assert.Contains("created", row["details"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_over_its_size_limit_is_a_413()
    {
        var body = new JsonObject { ["name"] = new string('x', (int)AutomationDesk.Web.Api.WorkflowTransferApi.ImportLimit) };

        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows/import", body.ToJsonString());

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
