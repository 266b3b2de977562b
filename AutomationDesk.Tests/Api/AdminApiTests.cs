using System.Net;
using System.Net.Http.Json;

namespace AutomationDesk.Tests.Api;

/// <summary>What only an Admin does: API keys, users and their roles, secrets.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class AdminApiTests(DeskApp desk)
{
    [Fact]
    public async Task An_api_key_is_shown_once_works_and_stops_working_when_revoked()
    {
        using var create = await desk.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "deploy script" });
        var created = await create.JsonAsync(HttpStatusCode.Created);
        var key = (string)created["key"]!;
        var id = ApiAnswers.V7(created["info"]!["id"]);
        Assert.Equal($"/api/v1/api-keys/{id}", create.Headers.Location?.OriginalString);
        Assert.StartsWith((string)created["info"]!["prefix"]!, key, StringComparison.Ordinal);

        var listed = (await desk.Admin.GetPageAsync("/api/v1/api-keys?pageSize=500", pageSize: 500)).Single(k => (string)k!["id"]! == id.ToString())!;
        Assert.Equal("deploy script", (string)listed["name"]!);
        Assert.DoesNotContain(key, listed.ToJsonString(), StringComparison.Ordinal);

        using var client = desk.ClientWithKey(key);
        using (var before = await client.GetAsync("/api/v1/users"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        using (var revoke = await desk.Admin.DeleteAsync($"/api/v1/api-keys/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using (var after = await client.GetAsync("/api/v1/workflows"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
        Assert.DoesNotContain(await desk.Admin.GetPageAsync("/api/v1/api-keys?pageSize=500", pageSize: 500), k => (string)k!["id"]! == id.ToString());
        var revoked = (await desk.Admin.GetPageAsync("/api/v1/api-keys?includeRevoked=true&pageSize=500", pageSize: 500)).Single(k => (string)k!["id"]! == id.ToString())!;
        Assert.NotNull(revoked["revokedAt"]);

        using var unknown = await desk.Admin.DeleteAsync($"/api/v1/api-keys/{Guid.CreateVersion7()}");
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_api_key_needs_a_name_and_a_real_user()
    {
        using var nameless = await desk.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "" });
        await nameless.ProblemAsync(HttpStatusCode.BadRequest, "name");
        using var ownerless = await desk.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "k", userId = "nobody" });
        await ownerless.ProblemAsync(HttpStatusCode.BadRequest, "userId");
    }

    [Fact]
    public async Task A_new_user_gets_the_role_and_a_role_change_takes_effect_on_the_next_request()
    {
        var email = $"promoted-{Guid.NewGuid():N}@api.test";
        using var create = await desk.Admin.PostAsJsonAsync("/api/v1/users", new { email, password = "Api-Test-User-1", role = "viewer" });
        var user = await create.JsonAsync(HttpStatusCode.Created);
        var id = ApiAnswers.V7(user["id"]).ToString();
        Assert.Equal("Viewer", (string)user["role"]!);
        Assert.Equal($"/api/v1/users/{id}", create.Headers.Location?.OriginalString);
        Assert.Contains(await desk.Admin.GetPageAsync($"/api/v1/users?q={email}"), u => (string)u!["role"]! == "Viewer");

        var key = (string)(await desk.Admin.PostJsonAsync("/api/v1/api-keys", new { name = "promoted", userId = id }, HttpStatusCode.Created))["key"]!;
        using var client = desk.ClientWithKey(key);
        var definition = Workflows.SaveCustomer(Workflows.UniqueName("Promoted"), "promoted").ToJsonString();
        using (var refused = await client.PostTextAsync("/api/v1/workflows", definition))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var change = await desk.Admin.PutAsJsonAsync($"/api/v1/users/{id}/role", new { role = "Editor" }))
        {
            Assert.Equal("Editor", (string)(await change.JsonAsync(HttpStatusCode.OK))["role"]!);
        }
        using (var allowed = await client.PostTextAsync("/api/v1/workflows", definition))
        {
            Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        }
        Assert.Contains(await desk.Admin.GetPageAsync("/api/v1/audit?action=user.role"), a => ((string)a!["target"]!).Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_user_input_is_a_400_naming_the_field()
    {
        using var badRole = await desk.Admin.PostAsJsonAsync("/api/v1/users", new { email = "r@api.test", password = "Api-Test-User-1", role = "Owner" });
        await badRole.ProblemAsync(HttpStatusCode.BadRequest, "role");
        using var badEmail = await desk.Admin.PostAsJsonAsync("/api/v1/users", new { email = "nobody", password = "Api-Test-User-1", role = "Viewer" });
        await badEmail.ProblemAsync(HttpStatusCode.BadRequest, "email");
        using var weak = await desk.Admin.PostAsJsonAsync("/api/v1/users", new { email = $"w-{Guid.NewGuid():N}@api.test", password = "short", role = "Viewer" });
        await weak.ProblemAsync(HttpStatusCode.BadRequest, "password");
        using var twice = await desk.Admin.PostAsJsonAsync("/api/v1/users", new { email = DeskApp.AdminEmail, password = "Api-Test-User-1", role = "Viewer" });
        await twice.ProblemAsync(HttpStatusCode.Conflict);
        using var unknown = await desk.Admin.PutAsJsonAsync("/api/v1/users/nobody/role", new { role = "Viewer" });
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_cannot_demote_themself()
    {
        var admin = (await desk.Admin.GetPageAsync($"/api/v1/users?q={DeskApp.AdminEmail}")).Single()!;
        using var response = await desk.Admin.PutAsJsonAsync($"/api/v1/users/{admin["id"]}/role", new { role = "Viewer" });
        await response.ProblemAsync(HttpStatusCode.Conflict);
        using var stillAdmin = await desk.Admin.GetAsync("/api/v1/users");
        Assert.Equal(HttpStatusCode.OK, stillAdmin.StatusCode);
    }

    [Fact]
    public async Task Secrets_are_listed_by_name_and_dates_and_their_values_never_come_back()
    {
        var name = $"stripe_{Guid.NewGuid():N}";
        const string value = "sk_live_never_shown_0123456789";
        using (var create = await desk.Admin.PutAsJsonAsync($"/api/v1/secrets/{name}", new { value }))
        {
            var created = await create.JsonAsync(HttpStatusCode.Created);
            Assert.Equal($"/api/v1/secrets/{name}", create.Headers.Location?.OriginalString);
            Assert.Equal(["createdAt", "name", "updatedAt"], created.Select(p => p.Key).Order(StringComparer.Ordinal));
        }
        using (var replace = await desk.Admin.PutAsJsonAsync($"/api/v1/secrets/{name}", new { value = value + "2" }))
        {
            Assert.DoesNotContain(value, await replace.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, replace.StatusCode);
        }

        using var list = await desk.Admin.GetAsync("/api/v1/secrets?pageSize=500");
        var listText = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(value, listText, StringComparison.Ordinal);
        var listed = await list.PageAsync(pageSize: 500);
        Assert.Contains(listed, s => (string)s!["name"]! == name);
        Assert.DoesNotContain(value, (await desk.Admin.GetPageAsync("/api/v1/audit?action=secret")).ToJsonString(), StringComparison.Ordinal);

        using (var delete = await desk.Admin.DeleteAsync($"/api/v1/secrets/{name}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.DoesNotContain(await desk.Admin.GetPageAsync("/api/v1/secrets?pageSize=500", pageSize: 500), s => (string)s!["name"]! == name);
        using var again = await desk.Admin.DeleteAsync($"/api/v1/secrets/{name}");
        await again.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_secret_name_or_empty_value_is_a_400_naming_the_field()
    {
        using var badName = await desk.Admin.PutAsJsonAsync("/api/v1/secrets/9lives", new { value = "v" });
        await badName.ProblemAsync(HttpStatusCode.BadRequest, "name");
        using var empty = await desk.Admin.PutAsJsonAsync("/api/v1/secrets/empty_one", new { value = "" });
        await empty.ProblemAsync(HttpStatusCode.BadRequest, "value");
    }
}
