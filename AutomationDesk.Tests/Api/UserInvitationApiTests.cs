using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// Invitations and password resets through the users API and the public set-password page: the link works once, a newer
/// link or a reset replaces it, a reset ends the person's sessions and old password, and the link's address follows
/// <c>desk.publicBaseUrl</c>.
/// </summary>
[Collection(FrontDoorCollection.Name)]
public sealed partial class UserInvitationApiTests(FrontDoorDesk front)
{
    private const string ChosenPassword = "Chosen-Pass-42";

    private DeskApp Desk => front.Desk;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private async Task<(string Id, string Email, Uri Link)> InviteAsync(string role = "Editor")
    {
        var email = $"invited-{Guid.NewGuid():N}@front.test";
        var user = await Desk.Admin.PostJsonAsync("/api/v1/users", new { email, role }, HttpStatusCode.Created);
        return ((string)user["id"]!, email, new Uri((string)user["setPasswordUrl"]!));
    }

    /// <summary>Opens the link's page and submits the form with the password, as a person does.</summary>
    private static async Task<(HttpResponseMessage Response, string Page)> SetPasswordAsync(HttpClient browser, Uri link, string password)
    {
        var page = await browser.GetStringAsync(link.PathAndQuery);
        var antiforgery = AntiforgeryField().Match(page);
        Assert.True(antiforgery.Success, "The set-password page has a form: " + page);
        var token = Uri.UnescapeDataString(link.Query[(link.Query.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "set-password",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value),
            ["Input.Token"] = token,
            ["Input.Password"] = password,
            ["Input.Confirm"] = password,
        });
        var response = await browser.PostAsync(link.PathAndQuery, form);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_invited_person_sets_their_password_from_the_link_once_and_is_signed_in()
    {
        var (id, email, link) = await InviteAsync();
        Assert.Equal("http://localhost/account/set-password", link.GetLeftPart(UriPartial.Path));
        var listed = await Desk.Admin.GetPageAsync($"/api/v1/users?q={Uri.EscapeDataString(email)}");
        Assert.Equal(id, (string)Assert.Single(listed)!["id"]!);

        using var browser = SignInForm.Browser(Desk);
        var opened = await browser.GetStringAsync(link.PathAndQuery);
        Assert.Contains(email, opened, StringComparison.Ordinal);
        Assert.Contains("At least 8 characters", opened, StringComparison.Ordinal);
        var (set, _) = await SetPasswordAsync(browser, link, ChosenPassword);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        using (var signedIn = await browser.GetAsync("/api/v1/workflows"))
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        using var again = SignInForm.Browser(Desk);
        var spent = await again.GetStringAsync(link.PathAndQuery);
        Assert.Contains("This link no longer works", spent, StringComparison.Ordinal);
        Assert.DoesNotContain(email, spent, StringComparison.Ordinal);
        using var signIn = await SignInForm.SubmitAsync(SignInForm.Browser(Desk), email, ChosenPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var audit = await Desk.Admin.GetPageAsync($"/api/v1/audit?target={Uri.EscapeDataString($"user:{id}")}");
        Assert.Contains(audit, a => (string)a!["action"]! == "user.invite");
        Assert.Contains(audit, a => (string)a!["action"]! == "user.password-set");
    }

    [Fact]
    public async Task An_invited_person_cannot_sign_in_before_using_the_link()
    {
        var (_, email, _) = await InviteAsync();

        using var signIn = await SignInForm.SubmitAsync(SignInForm.Browser(Desk), email, "Anything-Pass-1");
        Assert.NotEqual(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    [Fact]
    public async Task A_password_that_breaks_the_rules_is_refused_with_the_rule_and_the_link_still_works()
    {
        var (_, _, link) = await InviteAsync();
        using var browser = SignInForm.Browser(Desk);

        var (refused, page) = await SetPasswordAsync(browser, link, "short");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("at least 8 characters", page, StringComparison.OrdinalIgnoreCase);
        var (set, _) = await SetPasswordAsync(browser, link, ChosenPassword);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
    }

    [Fact]
    public async Task A_reset_ends_the_sessions_and_the_old_password_and_replaces_earlier_links()
    {
        var (id, email) = await SignInForm.CreateUserAsync(Desk, "Editor");
        using var session = await SignInForm.SignedInAsync(Desk, email);

        var first = await Desk.Admin.PostJsonAsync($"/api/v1/users/{id}/password-link", new { }, HttpStatusCode.OK);
        var reset = await Desk.Admin.PostJsonAsync($"/api/v1/users/{id}/password-link", new { }, HttpStatusCode.OK);

        var expiresAt = DateTimeOffset.Parse((string)reset["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));
        using (var ended = await session.GetAsync("/api/v1/workflows"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        }
        using (var oldPassword = await SignInForm.SubmitAsync(SignInForm.Browser(Desk), email, SignInForm.Password))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, oldPassword.StatusCode);
        }
        using var browser = SignInForm.Browser(Desk);
        var replaced = await browser.GetStringAsync(new Uri((string)first["url"]!).PathAndQuery);
        Assert.Contains("This link no longer works", replaced, StringComparison.Ordinal);
        var (set, _) = await SetPasswordAsync(browser, new Uri((string)reset["url"]!), ChosenPassword);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        var audit = await Desk.Admin.GetPageAsync($"/api/v1/audit?target={Uri.EscapeDataString($"user:{id}")}");
        Assert.Contains(audit, a => (string)a!["action"]! == "user.password-reset");
    }

    [Fact]
    public async Task Deactivating_a_person_voids_their_link_and_no_new_one_is_made_for_them()
    {
        var (id, _, link) = await InviteAsync();

        await (await Desk.Admin.PostAsync($"/api/v1/users/{id}/deactivate", null)).JsonAsync(HttpStatusCode.OK);

        using var browser = SignInForm.Browser(Desk);
        Assert.Contains("This link no longer works", await browser.GetStringAsync(link.PathAndQuery), StringComparison.Ordinal);
        using var refused = await Desk.Admin.PostAsync($"/api/v1/users/{id}/password-link", null);
        await refused.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_link_that_is_not_the_desks_says_it_no_longer_works()
    {
        using var browser = SignInForm.Browser(Desk);

        var page = await browser.GetStringAsync("/account/set-password?token=not-a-token");

        Assert.Contains("This link no longer works", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_link_is_built_on_the_public_base_url_when_it_is_set()
    {
        using (var put = await Desk.Admin.PutTextAsync("/api/v1/settings/desk.publicBaseUrl", """{ "value": "https://desk.example.com/" }"""))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        try
        {
            var (_, _, link) = await InviteAsync();
            Assert.StartsWith("https://desk.example.com/account/set-password?token=", link.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            using var deleted = await Desk.Admin.DeleteAsync("/api/v1/settings/desk.publicBaseUrl");
        }
    }

    [Fact]
    public async Task A_user_created_with_a_password_still_works_as_before()
    {
        var email = $"typed-{Guid.NewGuid():N}@front.test";

        using var response = await Desk.Admin.PostAsJsonAsync("/api/v1/users", new { email, password = SignInForm.Password, role = "Viewer" });
        var user = await response.JsonAsync(HttpStatusCode.Created);

        Assert.Null(user["setPasswordUrl"]);
        using var signIn = await SignInForm.SubmitAsync(SignInForm.Browser(Desk), email, SignInForm.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }
}
