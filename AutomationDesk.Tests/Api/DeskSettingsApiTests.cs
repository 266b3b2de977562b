using System.Net;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The settings API over the shared desk: a round trip, each value rule, the audit trail and who may write. Tests in a
/// collection run one at a time, so a test that sets <c>desk.publicBaseUrl</c> deletes it before the next one starts.
/// </summary>
[Collection(DeskAppCollection.Name)]
public class DeskSettingsApiTests(DeskApp desk)
{
    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string key, JsonNode? value) =>
        client.PutTextAsync($"/api/v1/settings/{key}", new JsonObject { ["value"] = value }.ToJsonString());

    private static string UniqueVar() => "vars.v" + Guid.NewGuid().ToString("N");

    private async Task<JsonArray> ListAsync() => JsonNode.Parse(await desk.Admin.GetStringAsync("/api/v1/settings"))!.AsArray();

    [Fact]
    public async Task A_variable_is_put_read_listed_deleted_and_then_gone()
    {
        var key = UniqueVar();

        using (var put = await PutAsync(desk.Admin, key, new JsonObject { ["owner"] = "ops", ["limits"] = new JsonArray(1, 2) }))
        {
            Assert.Equal(key, (string)(await put.JsonAsync(HttpStatusCode.OK))["key"]!);
        }
        var read = await desk.Viewer.GetJsonAsync($"/api/v1/settings/{key}");
        Assert.Equal("""{"owner":"ops","limits":[1,2]}""", read["value"]!.ToJsonString());
        Assert.Contains(await ListAsync(), s => (string)s!["key"]! == key);

        using (var deleted = await desk.Admin.DeleteAsync($"/api/v1/settings/{key}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await desk.Admin.GetAsync($"/api/v1/settings/{key}"))
        {
            await gone.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.DoesNotContain(await ListAsync(), s => (string)s!["key"]! == key);
        using var again = await desk.Admin.DeleteAsync($"/api/v1/settings/{key}");
        await again.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Each_change_is_audited_naming_the_key_and_who_made_it()
    {
        var key = UniqueVar();
        using (await PutAsync(desk.Admin, key, 1))
        using (await PutAsync(desk.Admin, key, 2))
        using (await desk.Admin.DeleteAsync($"/api/v1/settings/{key}"))
        {
        }

        var trail = await desk.Viewer.GetPageAsync($"/api/v1/audit?target={Uri.EscapeDataString("setting:" + key)}");

        Assert.Equal(["setting.delete", "setting.set", "setting.set"], trail.Select(a => (string)a!["action"]!)); // newest first
        Assert.All(trail, a => Assert.Equal("ApiKey", (string)a!["actorKind"]!));
        Assert.All(trail, a => Assert.Equal("setting:" + key, (string)a!["target"]!));
    }

    [Theory]
    [InlineData("desk.publicBaseUrl", "\"ftp://desk.example.com\"", "http:// or https://")]
    [InlineData("desk.publicBaseUrl", "\"desk.example.com\"", "http:// or https://")]
    [InlineData("desk.publicBaseUrl", "\"https://desk.example.com/?a=1\"", "remove the ?query")]
    [InlineData("desk.publicBaseUrl", "\"https://desk.example.com/#top\"", "remove the #fragment")]
    [InlineData("desk.publicBaseUrl", "\"https://me:pw@desk.example.com\"", "user name or password")]
    [InlineData("desk.publicBaseUrl", "42", "not 42")]
    [InlineData("retention.executionsDays", "0", "from 1 to 3650 (default 30), not 0")]
    [InlineData("retention.webhookEventsDays", "3651", "from 1 to 3650 (default 30), not 3651")]
    [InlineData("retention.notificationsDays", "1.5", "from 1 to 3650 (default 90), not 1.5")]
    [InlineData("retention.executionsDays", "\"30\"", "not \"30\"")]
    [InlineData("retention.executionsDays", "null", "not null")]
    [InlineData("retention.archive", "\"yes\"", "true or false")]
    [InlineData("retention.archive", "1", "true or false")]
    [InlineData("email.defaultConnection", "\"\"", "the name of a smtp connection")]
    public async Task A_wrong_value_is_refused_naming_the_key_and_what_is_wrong(string key, string valueJson, string expected)
    {
        using var refused = await desk.Admin.PutTextAsync($"/api/v1/settings/{key}", $$"""{ "value": {{valueJson}} }""");

        var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest, "value");
        Assert.Contains(key, (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Contains(expected, (string)problem["detail"]!, StringComparison.Ordinal);
        using var unset = await desk.Admin.GetAsync($"/api/v1/settings/{key}");
        Assert.Equal(HttpStatusCode.NotFound, unset.StatusCode);
    }

    [Fact]
    public async Task A_variable_larger_than_the_limit_is_refused_and_one_at_the_limit_is_kept()
    {
        var key = UniqueVar();
        using var refused = await PutAsync(desk.Admin, key, new string('x', 64 * 1024));

        var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest, "value");
        Assert.Contains("64 KiB", (string)problem["detail"]!, StringComparison.Ordinal);
        using (var kept = await PutAsync(desk.Admin, key, new string('x', (64 * 1024) - 2)))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }
        using var deleted = await desk.Admin.DeleteAsync($"/api/v1/settings/{key}");
    }

    [Fact]
    public async Task Retention_values_at_the_bounds_are_kept_and_the_base_url_loses_its_trailing_slash()
    {
        try
        {
            using (var low = await PutAsync(desk.Admin, "retention.executionsDays", 1))
            using (var high = await PutAsync(desk.Admin, "retention.notificationsDays", 3650))
            using (var archive = await PutAsync(desk.Admin, "retention.archive", true))
            {
                Assert.Equal(1, (int)(await low.JsonAsync(HttpStatusCode.OK))["value"]!);
                Assert.Equal(3650, (int)(await high.JsonAsync(HttpStatusCode.OK))["value"]!);
                Assert.True((bool)(await archive.JsonAsync(HttpStatusCode.OK))["value"]!);
            }
            using var url = await PutAsync(desk.Admin, "desk.publicBaseUrl", "https://desk.example.com/automation/");
            Assert.Equal("https://desk.example.com/automation", (string)(await url.JsonAsync(HttpStatusCode.OK))["value"]!);
            Assert.Equal("https://desk.example.com/automation", (string)(await desk.Viewer.GetJsonAsync("/api/v1/settings/desk.publicBaseUrl"))["value"]!);
        }
        finally
        {
            foreach (var key in new[] { "retention.executionsDays", "retention.notificationsDays", "retention.archive", "desk.publicBaseUrl" })
            {
                using var deleted = await desk.Admin.DeleteAsync($"/api/v1/settings/{key}");
            }
        }
    }

    [Theory]
    [InlineData("desk.publicBaseUrl", "\"https://desk.example.com\"")]
    [InlineData("retention.executionsDays", "10")]
    [InlineData("retention.archive", "true")]
    [InlineData("vars.region", "\"eu\"")]
    public async Task An_editor_or_a_viewer_cannot_change_or_delete_a_setting(string key, string valueJson)
    {
        foreach (var client in new[] { desk.Editor, desk.Viewer })
        {
            using (var put = await client.PutTextAsync($"/api/v1/settings/{key}", $$"""{ "value": {{valueJson}} }"""))
            {
                Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
            }
            using var delete = await client.DeleteAsync($"/api/v1/settings/{key}");
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        }
        using var unset = await desk.Admin.GetAsync($"/api/v1/settings/{key}");
        Assert.Equal(HttpStatusCode.NotFound, unset.StatusCode);
    }

    [Fact]
    public async Task The_webhook_url_is_built_on_the_public_base_url_when_set_and_on_the_request_without_it()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        var path = $"/api/v1/workflows/{hook.WorkflowId}/webhook";
        Assert.Equal($"http://localhost/api/webhooks/{hook.WorkflowId}/{hook.Token}", (string)(await desk.Editor.GetJsonAsync(path))["url"]!);

        try
        {
            using (var set = await PutAsync(desk.Admin, "desk.publicBaseUrl", "https://desk.example.com/automation/"))
            {
                Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            }
            Assert.Equal($"https://desk.example.com/automation/api/webhooks/{hook.WorkflowId}/{hook.Token}", (string)(await desk.Editor.GetJsonAsync(path))["url"]!);
            var rotated = await desk.Editor.PostJsonAsync($"{path}/rotate", new { }, HttpStatusCode.OK);
            Assert.Equal($"https://desk.example.com/automation/api/webhooks/{hook.WorkflowId}/{rotated["token"]}", (string)rotated["url"]!);
        }
        finally
        {
            using var deleted = await desk.Admin.DeleteAsync("/api/v1/settings/desk.publicBaseUrl");
        }
        Assert.StartsWith("http://localhost/api/webhooks/", (string)(await desk.Editor.GetJsonAsync(path))["url"]!, StringComparison.Ordinal);
    }
}
