using System.Net;
using System.Net.Http.Json;

namespace AutomationDesk.Tests.Api;

/// <summary>Who may do what: no credentials is 401 everywhere; a Viewer reads but never writes; API keys end when revoked.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class AccessTests(DeskApp desk)
{
    public static TheoryData<string, string> EveryGroup => new()
    {
        { "GET", "/api/v1/workflows" },
        { "POST", "/api/v1/workflows" },
        { "GET", "/api/v1/executions" },
        { "GET", "/api/v1/executions/01a20000-0000-7000-8000-000000000001/logs" },
        { "GET", "/api/v1/notifications" },
        { "GET", "/api/v1/notifications/stats" },
        { "GET", "/api/v1/notification-channels" },
        { "GET", "/api/v1/collections" },
        { "GET", "/api/v1/secrets" },
        { "GET", "/api/v1/audit" },
        { "GET", "/api/v1/api-keys" },
        { "GET", "/api/v1/users" },
        { "POST", "/hubs/desk/negotiate?negotiateVersion=1" },
    };

    [Theory]
    [MemberData(nameof(EveryGroup))]
    public async Task Without_credentials_every_group_answers_401(string method, string path)
    {
        using var client = desk.Anonymous();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(EveryGroup))]
    public async Task An_unknown_api_key_answers_401(string method, string path)
    {
        using var client = desk.ClientWithKey("not-a-key-of-this-desk");
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_viewer_reads_but_cannot_create_a_workflow()
    {
        using var list = await desk.Viewer.GetAsync("/api/v1/workflows");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        using var create = await desk.Viewer.PostTextAsync("/api/v1/workflows", Workflows.SaveCustomer(Workflows.UniqueName("Viewer"), "viewer").ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.DoesNotContain((await desk.Admin.GetPageAsync("/api/v1/workflows?q=Viewer")), w => ((string)w!["name"]!).StartsWith("Viewer ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_viewer_cannot_run_update_enable_or_delete_a_workflow()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Guarded"), "guarded"));
        var id = ApiAnswers.V7(workflow["id"]);

        using var execute = await desk.Viewer.PostAsJsonAsync($"/api/v1/workflows/{id}/execute", new { customer = "c1" });
        using var update = await desk.Viewer.PutTextAsync($"/api/v1/workflows/{id}", workflow.ToJsonString());
        using var disable = await desk.Viewer.PostAsync($"/api/v1/workflows/{id}/disable", null);
        using var delete = await desk.Viewer.DeleteAsync($"/api/v1/workflows/{id}");

        Assert.All(new[] { execute, update, disable, delete }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Empty(await desk.Admin.GetPageAsync($"/api/v1/executions?workflowId={id}"));
        Assert.Equal(1, (int)(await desk.Admin.GetJsonAsync($"/api/v1/workflows/{id}"))["version"]!);
    }

    [Fact]
    public async Task Only_an_admin_manages_secrets_users_and_keys()
    {
        foreach (var client in new[] { desk.Viewer, desk.Editor })
        {
            using var secrets = await client.GetAsync("/api/v1/secrets");
            using var setSecret = await client.PutAsJsonAsync("/api/v1/secrets/blocked", new { value = "v" });
            using var users = await client.GetAsync("/api/v1/users");
            using var addUser = await client.PostAsJsonAsync("/api/v1/users", new { email = "x@api.test", password = "Api-Test-User-1", role = "Admin" });
            using var keys = await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "mine" });
            Assert.All(new[] { secrets, setSecret, users, addUser, keys }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        }
        Assert.DoesNotContain(await desk.Admin.GetPageAsync("/api/v1/secrets"), s => (string?)s!["name"] == "blocked");
    }

    [Fact]
    public async Task A_viewer_cannot_delete_notifications()
    {
        using var response = await desk.Viewer.DeleteAsync("/api/v1/notifications");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/runs")]
    public async Task The_job_dashboards_are_for_admins_only(string dashboard)
    {
        using var viewer = await desk.Viewer.GetAsync(dashboard);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        using var editor = await desk.Editor.GetAsync(dashboard);
        Assert.Equal(HttpStatusCode.Forbidden, editor.StatusCode);
        using var admin = await desk.Admin.GetAsync(dashboard);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }
}
