using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Connections;

[Collection(ConnectionsDeskCollection.Name)]
public sealed class ConnectionsTransferTests(ConnectionsDesk desk)
{
    private DeskApp App => desk.App;

    private async Task<JsonObject> ExportAsync(Guid id)
    {
        using var response = await App.Viewer.PostTextAsync("/api/v1/workflows/export", new JsonObject { ["ids"] = new JsonArray(id.ToString()) }.ToJsonString());
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_export_carries_the_named_connections_without_secrets_and_an_import_creates_them_with_empty_secrets()
    {
        var name = ConnectionsDesk.UniqueName("exported");
        await desk.CreateAsync(name);
        var workflow = await Workflows.CreateAsync(App.Editor, LoopbackCheckStep.Workflow(Workflows.UniqueName("Exports a connection"), name));

        var export = await ExportAsync(ApiAnswers.V7(workflow["id"]));

        Assert.DoesNotContain(LoopbackConnectionType.GoodToken, export.ToJsonString(), StringComparison.Ordinal);
        var connection = Assert.Single(export["connections"]!.AsArray())!.AsObject();
        Assert.Equal(["config", "name", "secrets", "type"], connection.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(name, (string)connection["name"]!);
        Assert.Equal("loopback", (string)connection["type"]!);
        Assert.Equal(desk.Service.BaseAddress.ToString().TrimEnd('/'), (string)connection["config"]!["url"]!);
        Assert.Equal("""{"token":""}""", connection["secrets"]!.ToJsonString());

        // Another desk: the connection and the workflow are gone; the import brings both back.
        using (var deleted = await App.Editor.DeleteAsync($"/api/v1/workflows/{workflow["id"]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var deleted = await App.Admin.DeleteAsync($"/api/v1/connections/{name}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        // An Editor's import brings the workflow but creates no connection: only an Admin chooses where credentials go.
        using (var byEditor = await App.Editor.PostTextAsync("/api/v1/workflows/import", export.ToJsonString()))
        {
            var editorReport = await byEditor.JsonAsync(HttpStatusCode.OK);
            Assert.Equal("missing", (string)editorReport["connections"]![0]!["action"]!);
        }
        using (var absent = await App.Viewer.GetAsync($"/api/v1/connections/{name}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
        }
        using var imported = await App.Admin.PostTextAsync("/api/v1/workflows/import", export.ToJsonString());
        var report = await imported.JsonAsync(HttpStatusCode.OK);

        Assert.Equal("created", (string)report["connections"]![0]!["action"]!);
        var restored = await App.Viewer.GetJsonAsync($"/api/v1/connections/{name}");
        Assert.Equal("unknown", (string)restored["health"]!);
        Assert.Empty(restored["secretsSet"]!.AsArray());
        Assert.Equal(desk.Service.BaseAddress.ToString().TrimEnd('/'), (string)restored["config"]!["url"]!);
        await App.Viewer.GetJsonAsync($"/api/v1/workflows/{workflow["id"]}");

        // Once an Admin sets the secret, it works.
        using (var secretSet = await App.Admin.PutTextAsync($"/api/v1/connections/{name}", desk.Body(name).ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, secretSet.StatusCode);
        }
        Assert.True((bool)(await App.Editor.PostJsonAsync($"/api/v1/connections/{name}/test", new { }, HttpStatusCode.OK))["ok"]!);
    }

    [Fact]
    public async Task An_import_leaves_an_existing_connection_as_it_is()
    {
        var name = ConnectionsDesk.UniqueName("kept");
        await desk.CreateAsync(name);
        var file = new JsonObject
        {
            ["workflows"] = new JsonArray(LoopbackCheckStep.Workflow(Workflows.UniqueName("Keeps a connection"), name)),
            ["connections"] = new JsonArray(new JsonObject
            {
                ["name"] = name,
                ["type"] = "loopback",
                ["config"] = new JsonObject { ["url"] = "http://127.0.0.1:9" },
                ["secrets"] = new JsonObject { ["token"] = "" },
            }),
        };

        using var imported = await App.Editor.PostTextAsync("/api/v1/workflows/import", file.ToJsonString());

        Assert.Equal("existing", (string)(await imported.JsonAsync(HttpStatusCode.OK))["connections"]![0]!["action"]!);
        var kept = await App.Viewer.GetJsonAsync($"/api/v1/connections/{name}");
        Assert.Equal(desk.Service.BaseAddress.ToString().TrimEnd('/'), (string)kept["config"]!["url"]!);
        Assert.Equal(["token"], kept["secretsSet"]!.AsArray().Select(s => (string)s!));
    }

    [Fact]
    public async Task An_import_with_a_connection_of_an_unknown_type_is_refused_naming_it_and_writes_nothing()
    {
        var name = ConnectionsDesk.UniqueName("pigeon");
        var workflowName = Workflows.UniqueName("Refused with its connection");
        var file = new JsonObject
        {
            ["workflows"] = new JsonArray(LoopbackCheckStep.Workflow(workflowName, name)),
            ["connections"] = new JsonArray(new JsonObject { ["name"] = name, ["type"] = "carrier-pigeon", ["config"] = new JsonObject() }),
        };

        using var refused = await App.Editor.PostTextAsync("/api/v1/workflows/import", file.ToJsonString());

        var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest, "connections[0].type");
        Assert.Contains("carrier-pigeon", (string)problem["detail"]!, StringComparison.Ordinal);
        using var missing = await App.Viewer.GetAsync($"/api/v1/connections/{name}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty(await App.Viewer.GetPageAsync($"/api/v1/workflows?q={Uri.EscapeDataString(workflowName)}"));
    }

    [Fact]
    public async Task An_imported_connection_does_not_bring_its_secret_values_or_an_internal_network_allowance()
    {
        var name = ConnectionsDesk.UniqueName("smuggled");
        var file = new JsonObject
        {
            ["workflows"] = new JsonArray(LoopbackCheckStep.Workflow(Workflows.UniqueName("Smuggles a token"), name)),
            ["connections"] = new JsonArray(new JsonObject
            {
                ["name"] = name,
                ["type"] = "loopback",
                ["config"] = new JsonObject { ["url"] = desk.Service.BaseAddress.ToString().TrimEnd('/'), ["allowPrivateNetwork"] = true },
                ["secrets"] = new JsonObject { ["token"] = LoopbackConnectionType.GoodToken },
            }),
        };

        using var imported = await App.Admin.PostTextAsync("/api/v1/workflows/import", file.ToJsonString());

        var report = await imported.JsonAsync(HttpStatusCode.OK);
        try
        {
            Assert.Contains("not imported", report["connections"]![0]!["notes"]!.ToJsonString(), StringComparison.Ordinal);
            var created = await App.Viewer.GetJsonAsync($"/api/v1/connections/{name}");
            Assert.Empty(created["secretsSet"]!.AsArray());
            Assert.Null(created["config"]!["allowPrivateNetwork"]);
        }
        finally
        {
            // Without a token it would fail the background refresh, which the readiness test would then report.
            using var workflow = await App.Editor.DeleteAsync($"/api/v1/workflows/{report["workflows"]![0]!["id"]}");
            using var connection = await App.Admin.DeleteAsync($"/api/v1/connections/{name}");
        }
    }
}
