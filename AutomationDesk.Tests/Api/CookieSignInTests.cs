using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AutomationDesk.Tests.Api;

/// <summary>A browser-style client (cookies, forms, redirects seen as they are) signs in at <c>/account/login</c> and then reads the API.</summary>
[Collection(DeskAppCollection.Name)]
public sealed partial class CookieSignInTests(DeskApp desk)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private HttpClient Browser() => desk.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password)
    {
        var page = await browser.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The sign-in form carries an antiforgery token.");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await browser.PostAsync("/account/login", form);
    }

    [Fact]
    public async Task Signing_in_with_the_form_gives_a_cookie_the_api_accepts()
    {
        using var browser = Browser();
        using (var before = await browser.GetAsync("/api/v1/workflows"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        }

        using var signIn = await SignInAsync(browser, DeskApp.AdminEmail, DeskApp.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", new Uri(browser.BaseAddress!, signIn.Headers.Location!).AbsolutePath);

        using var after = await browser.GetAsync("/api/v1/users");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_says_so_and_gives_no_access()
    {
        using var browser = Browser();
        using var signIn = await SignInAsync(browser, DeskApp.AdminEmail, "not-the-password");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("Wrong email or password.", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var after = await browser.GetAsync("/api/v1/workflows");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_page_without_sign_in_redirects_to_the_form()
    {
        using var browser = Browser();
        using var response = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", new Uri(browser.BaseAddress!, response.Headers.Location!).AbsolutePath);
    }
}
