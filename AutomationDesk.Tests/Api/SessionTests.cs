using System.Net;
using System.Net.Http.Json;

namespace AutomationDesk.Tests.Api;

/// <summary>A role change or a deactivation takes effect on a person's very next request, for cookie sessions and API keys alike.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class SessionTests(FrontDoorDesk front)
{
    private DeskApp Desk => front.Desk;

    private Task<HttpResponseMessage> CreateWorkflowAsync(HttpClient client) =>
        client.PostTextAsync("/api/v1/workflows", Workflows.SaveCustomer(Workflows.UniqueName("Session"), "session").ToJsonString());

    [Fact]
    public async Task An_editor_demoted_to_viewer_gets_403_on_the_next_write_without_signing_in_again()
    {
        var (id, email) = await SignInForm.CreateUserAsync(Desk, "Editor");
        using var browser = await SignInForm.SignedInAsync(Desk, email);
        using (var before = await CreateWorkflowAsync(browser))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        using (var demote = await Desk.Admin.PutAsJsonAsync($"/api/v1/users/{id}/role", new { role = "Viewer" }))
        {
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        }

        using var write = await CreateWorkflowAsync(browser);
        using var read = await browser.GetAsync("/api/v1/workflows");
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task A_deactivated_users_cookie_gets_401_on_the_next_request()
    {
        var (id, email) = await SignInForm.CreateUserAsync(Desk, "Editor");
        using var browser = await SignInForm.SignedInAsync(Desk, email);
        using (var before = await browser.GetAsync("/api/v1/workflows"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var deactivated = await (await Desk.Admin.PostAsync($"/api/v1/users/{id}/deactivate", null)).JsonAsync(HttpStatusCode.OK);
        Assert.NotNull((string?)deactivated["deactivatedAt"]);

        using var after = await browser.GetAsync("/api/v1/workflows");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_deactivated_person_cannot_sign_in_and_is_told_so_only_with_the_right_password()
    {
        var (id, email) = await SignInForm.CreateUserAsync(Desk, "Viewer");
        using (await Desk.Admin.PostAsync($"/api/v1/users/{id}/deactivate", null))
        {
        }

        using var right = await SignInForm.SubmitAsync(SignInForm.Browser(Desk), email, SignInForm.Password);
        using var wrong = await SignInForm.SubmitAsync(SignInForm.Browser(Desk), email, "Not-The-Password-1");

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("This account has been deactivated", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Wrong email or password.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using (var activate = await Desk.Admin.PostAsync($"/api/v1/users/{id}/activate", null))
        {
            Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
        }
        using var again = await SignInForm.SubmitAsync(SignInForm.Browser(Desk), email, SignInForm.Password);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task A_deactivated_users_api_key_gets_401_until_they_are_reactivated()
    {
        var (id, _) = await SignInForm.CreateUserAsync(Desk, "Editor");
        var created = await Desk.Admin.PostJsonAsync("/api/v1/api-keys", new { name = "session script", userId = id }, HttpStatusCode.Created);
        using var script = Desk.ClientWithKey((string)created["key"]!);
        using (var before = await script.GetAsync("/api/v1/workflows"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var deactivate = await Desk.Admin.PostAsync($"/api/v1/users/{id}/deactivate", null))
        {
            Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        }
        using (var deactivated = await script.GetAsync("/api/v1/workflows"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, deactivated.StatusCode);
        }

        using (await Desk.Admin.PostAsync($"/api/v1/users/{id}/activate", null))
        {
        }
        using var reactivated = await script.GetAsync("/api/v1/workflows");
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
    }

    [Fact]
    public async Task An_admin_cannot_deactivate_themselves()
    {
        var admins = await Desk.Admin.GetPageAsync($"/api/v1/users?q={Uri.EscapeDataString(DeskApp.AdminEmail)}");
        var adminId = (string)admins.Single()!["id"]!;

        using var response = await Desk.Admin.PostAsync($"/api/v1/users/{adminId}/deactivate", null);

        await response.ProblemAsync(HttpStatusCode.Conflict);
        using var still = await Desk.Admin.GetAsync("/api/v1/users");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }
}
