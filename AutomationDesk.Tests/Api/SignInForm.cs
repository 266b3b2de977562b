using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AutomationDesk.Tests.Api;

/// <summary>A browser-style client of the front-door desk: cookies kept, redirects seen, one client address of its own.</summary>
public static partial class SignInForm
{
    public const string Password = "Front-Door-User-1";

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static HttpClient Browser(DeskApp desk, string? address = null)
    {
        var browser = desk.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add(FrontDoorDesk.AddressHeader, address ?? FrontDoorDesk.NewAddress());
        return browser;
    }

    /// <summary>Opens the sign-in page and submits the form, as a person does.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string email, string password) =>
        await PostAsync(browser, await OpenAsync(browser), email, password);

    /// <summary>Opens the sign-in page; answers the form's antiforgery token.</summary>
    public static async Task<string> OpenAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The sign-in form carries an antiforgery token.");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    /// <summary>Submits the sign-in form opened with <see cref="OpenAsync"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string token, string email, string password)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await browser.PostAsync("/account/login", form);
    }

    /// <summary>A browser signed in as the person, from an address of its own.</summary>
    public static async Task<HttpClient> SignedInAsync(DeskApp desk, string email, string password = Password)
    {
        var browser = Browser(desk);
        using var response = await SubmitAsync(browser, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    /// <summary>A new person with the role (through the users API) and the password <see cref="Password"/>.</summary>
    public static async Task<(string Id, string Email)> CreateUserAsync(DeskApp desk, string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@front.test";
        using var response = await desk.Admin.PostAsJsonAsync("/api/v1/users", new { email, password = Password, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return ((string)user["id"]!, email);
    }
}
