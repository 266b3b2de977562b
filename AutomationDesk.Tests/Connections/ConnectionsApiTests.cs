using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Connections;

[Collection(ConnectionsDeskCollection.Name)]
public sealed class ConnectionsApiTests(ConnectionsDesk desk)
{
    private DeskApp App => desk.App;

    [Fact]
    public async Task Connection_types_list_their_fields_secret_fields_and_test()
    {
        var types = JsonNode.Parse(await App.Viewer.GetStringAsync("/api/v1/connection-types"))!.AsArray();

        var loopback = types.Single(t => (string)t!["type"]! == LoopbackConnectionType.TypeName)!;
        Assert.Equal("Loopback service", (string)loopback["label"]!);
        Assert.Equal("https://example.test/loopback-docs", (string)loopback["docsUrl"]!);
        Assert.Equal("Calls GET /check with the token.", (string)loopback["test"]!);
        Assert.Equal(["token"], loopback["secretFields"]!.AsArray().Select(f => (string)f!));
        Assert.Equal(["url", "auth", "retries", "verbose", "token"], loopback["fields"]!.AsArray().Select(f => (string)f!["name"]!));
        var token = loopback["fields"]![4]!;
        Assert.Equal("secret", (string)token["kind"]!);
        Assert.True((bool)token["required"]!);
        Assert.Equal("auth", (string)token["shownWhen"]!["field"]!);
        Assert.Equal(["token"], token["shownWhen"]!["values"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["token", "none"], loopback["fields"]![1]!["choices"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public async Task An_admin_creates_reads_changes_and_deletes_a_connection_and_no_secret_is_ever_answered()
    {
        var name = ConnectionsDesk.UniqueName("crud");

        var created = await desk.CreateAsync(name);

        Assert.Equal(name, (string)created["name"]!);
        Assert.Equal("unknown", (string)created["health"]!);
        Assert.Equal(["token"], created["secretsSet"]!.AsArray().Select(s => (string)s!));
        Assert.DoesNotContain(LoopbackConnectionType.GoodToken, created.ToJsonString(), StringComparison.Ordinal);
        var read = await App.Viewer.GetJsonAsync($"/api/v1/connections/{name}");
        Assert.Equal(desk.Service.BaseAddress.ToString().TrimEnd('/'), (string)read["config"]!["url"]!);
        var listed = await App.Viewer.GetStringAsync($"/api/v1/connections?q={name}");
        Assert.Contains(name, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(LoopbackConnectionType.GoodToken, listed, StringComparison.Ordinal);

        using (var changed = await App.Admin.PutTextAsync($"/api/v1/connections/{name}",
            new JsonObject { ["config"] = new JsonObject { ["url"] = desk.Service.Url("/v2").TrimEnd('/'), ["retries"] = 2 } }.ToJsonString()))
        {
            var body = await changed.JsonAsync(HttpStatusCode.OK);
            Assert.Equal(2, (int)body["config"]!["retries"]!);
        }

        using (var deleted = await App.Admin.DeleteAsync($"/api/v1/connections/{name}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var gone = await App.Viewer.GetAsync($"/api/v1/connections/{name}");
        await gone.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("")]
    [InlineData("***")]
    [InlineData(null)]
    public async Task A_change_that_sends_the_secret_empty_masked_or_not_at_all_keeps_it(string? sent)
    {
        var name = ConnectionsDesk.UniqueName("keep");
        await desk.CreateAsync(name);
        var body = desk.Body(name);
        body.Remove("secrets");
        if (sent is not null)
        {
            body["secrets"] = new JsonObject { ["token"] = sent };
        }

        using (var changed = await App.Admin.PutTextAsync($"/api/v1/connections/{name}", body.ToJsonString()))
        {
            Assert.Equal(["token"], (await changed.JsonAsync(HttpStatusCode.OK))["secretsSet"]!.AsArray().Select(s => (string)s!));
        }

        // The kept token is the one the service accepts.
        var test = await App.Editor.PostJsonAsync($"/api/v1/connections/{name}/test", new { }, HttpStatusCode.OK);
        Assert.True((bool)test["ok"]!, test.ToJsonString());
    }

    [Fact]
    public async Task The_test_records_health_and_says_what_happened()
    {
        var name = ConnectionsDesk.UniqueName("tested");
        await desk.CreateAsync(name, token: "a-wrong-token-0815");
        try
        {
            var failed = await App.Editor.PostJsonAsync($"/api/v1/connections/{name}/test", new { }, HttpStatusCode.OK);

            Assert.False((bool)failed["ok"]!);
            Assert.Contains("401", (string)failed["detail"]!, StringComparison.Ordinal);
            Assert.True((int)failed["latencyMs"]! >= 0);
            var failing = await App.Viewer.GetJsonAsync($"/api/v1/connections/{name}");
            Assert.Equal("failing", (string)failing["health"]!);
            Assert.NotNull(failing["checkedAt"]);
            Assert.Equal((string)failed["detail"]!, (string)failing["detail"]!);
            Assert.Contains(name, (await App.Viewer.GetStringAsync("/api/v1/connections?health=failing")), StringComparison.Ordinal);
            Assert.DoesNotContain(name, (await App.Viewer.GetStringAsync("/api/v1/connections?health=ok")), StringComparison.Ordinal);

            using (var fixedToken = await App.Admin.PutTextAsync($"/api/v1/connections/{name}", desk.Body(name).ToJsonString()))
            {
                Assert.Equal("unknown", (string)(await fixedToken.JsonAsync(HttpStatusCode.OK))["health"]!);
            }
            var passed = await App.Admin.PostJsonAsync($"/api/v1/connections/{name}/test", new { }, HttpStatusCode.OK);

            Assert.True((bool)passed["ok"]!);
            Assert.Equal("ok", (string)(await App.Viewer.GetJsonAsync($"/api/v1/connections/{name}"))["health"]!);
        }
        finally
        {
            using var _ = await App.Admin.DeleteAsync($"/api/v1/connections/{name}");
        }
    }

    [Fact]
    public async Task A_viewer_reads_but_may_not_write_or_test_and_an_editor_may_only_test()
    {
        var name = ConnectionsDesk.UniqueName("roles");
        await desk.CreateAsync(name);

        using (var create = await App.Viewer.PostTextAsync("/api/v1/connections", desk.Body(ConnectionsDesk.UniqueName("viewer")).ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }
        using (var update = await App.Editor.PutTextAsync($"/api/v1/connections/{name}", desk.Body(name).ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
        }
        using (var delete = await App.Viewer.DeleteAsync($"/api/v1/connections/{name}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        }
        using (var test = await App.Viewer.PostTextAsync($"/api/v1/connections/{name}/test", "{}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, test.StatusCode);
        }
        using var editorTest = await App.Editor.PostTextAsync($"/api/v1/connections/{name}/test", "{}");
        Assert.Equal(HttpStatusCode.OK, editorTest.StatusCode);
    }

    [Fact]
    public async Task A_connection_in_use_is_not_deleted_and_the_refusal_names_the_workflows()
    {
        var name = ConnectionsDesk.UniqueName("used");
        await desk.CreateAsync(name);
        var workflow = Workflows.UniqueName("Uses the connection");
        await Workflows.CreateAsync(App.Editor, LoopbackCheckStep.Workflow(workflow, name));

        using var refused = await App.Admin.DeleteAsync($"/api/v1/connections/{name}");

        var problem = await refused.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"'{workflow}'", (string)problem["detail"]!, StringComparison.Ordinal);
        await App.Viewer.GetJsonAsync($"/api/v1/connections/{name}");
    }

    [Theory]
    [InlineData("""{ "name": "bad name!", "type": "loopback", "config": { "url": "http://127.0.0.1:1" }, "secrets": { "token": "t" } }""", "name")]
    [InlineData("""{ "name": "x1", "type": "carrier-pigeon" }""", "type")]
    [InlineData("""{ "name": "x2", "type": "loopback", "config": { "url": "http://127.0.0.1:1", "colour": "red" }, "secrets": { "token": "t" } }""", "config.colour")]
    [InlineData("""{ "name": "x3", "type": "loopback", "config": { "url": "not a url" }, "secrets": { "token": "t" } }""", "config.url")]
    [InlineData("""{ "name": "x4", "type": "loopback", "config": { "url": "http://127.0.0.1:1" } }""", "secrets.token")]
    [InlineData("""{ "name": "x5", "type": "loopback", "config": { "url": "http://127.0.0.1:1" }, "secrets": { "password": "p" } }""", "secrets.password")]
    [InlineData("""{ "name": "x6", "type": "loopback", "config": { "url": "http://127.0.0.1:1" }, "secrets": { "token": 42 } }""", "secrets.token")]
    [InlineData("""{ "name": "x7", "type": "loopback", "config": { "url": "http://127.0.0.1:1", "auth": "kerberos" } }""", "config.auth")]
    [InlineData("""{ "name": "x8", "type": "loopback", "config": "url", "extra": 1 }""", "extra")]
    public async Task A_bad_connection_is_refused_naming_the_field(string body, string field)
    {
        using var response = await App.Admin.PostTextAsync("/api/v1/connections", body);

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task The_list_pages_searches_and_filters_by_type()
    {
        var prefix = ConnectionsDesk.UniqueName("page");
        foreach (var i in Enumerable.Range(1, 3))
        {
            await desk.CreateAsync($"{prefix}-{i}");
        }

        using var first = await App.Viewer.GetAsync($"/api/v1/connections?q={prefix}&pageSize=2");
        var page1 = await first.PageAsync(pageSize: 2);
        using var second = await App.Viewer.GetAsync($"/api/v1/connections?q={prefix}&pageSize=2&page=2");
        var page2 = await second.PageAsync(page: 2, pageSize: 2);

        Assert.Equal([$"{prefix}-1", $"{prefix}-2", $"{prefix}-3"], page1.Concat(page2).Select(c => (string)c!["name"]!));
        Assert.Equal(3, (await App.Viewer.GetPageAsync($"/api/v1/connections?q={prefix}&type=loopback")).Count);
        Assert.Empty(await App.Viewer.GetPageAsync($"/api/v1/connections?q={prefix}&type=smtp"));
        using var badHealth = await App.Viewer.GetAsync("/api/v1/connections?health=sleepy");
        await badHealth.ProblemAsync(HttpStatusCode.BadRequest, "health");
    }
}
