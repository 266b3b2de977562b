using System.Net;
using System.Text;

namespace AutomationDesk.Tests.Api;

/// <summary>A signed-in browser's writes and live channel are taken only from the desk's own pages; scripts with a key are not affected.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class SameOriginTests(FrontDoorDesk front)
{
    private DeskApp Desk => front.Desk;

    private static HttpRequestMessage NewWorkflow(string origin, string? site = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workflows")
        {
            Content = new StringContent(Workflows.SaveCustomer(Workflows.UniqueName("Origin"), "origin").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (origin.Length > 0)
        {
            request.Headers.Add("Origin", origin);
        }
        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }
        return request;
    }

    private async Task<HttpClient> EditorBrowserAsync()
    {
        var (_, email) = await SignInForm.CreateUserAsync(Desk, "Editor");
        return await SignInForm.SignedInAsync(Desk, email);
    }

    [Fact]
    public async Task A_cookie_write_from_another_sites_page_is_refused_and_says_why()
    {
        using var browser = await EditorBrowserAsync();
        using var response = await browser.SendAsync(NewWorkflow("https://evil.example"));

        var problem = await response.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Cross-origin request refused", (string)problem["title"]!);
        Assert.Contains("https://evil.example", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_write_the_browser_marks_cross_site_is_refused_without_an_origin()
    {
        using var browser = await EditorBrowserAsync();
        using var response = await browser.SendAsync(NewWorkflow("", site: "cross-site"));

        Assert.Contains("Sec-Fetch-Site: cross-site", (string)(await response.ProblemAsync(HttpStatusCode.Forbidden))["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_write_from_the_desks_own_page_is_accepted()
    {
        using var browser = await EditorBrowserAsync();
        using var withOrigin = await browser.SendAsync(NewWorkflow("http://localhost", site: "same-origin"));
        using var typedAddress = await browser.SendAsync(NewWorkflow("", site: "none"));

        Assert.Equal(HttpStatusCode.Created, withOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.Created, typedAddress.StatusCode);
    }

    [Fact]
    public async Task Behind_a_proxy_that_rewrites_the_host_the_browsers_same_origin_mark_decides()
    {
        using var browser = await EditorBrowserAsync();

        using var ownPage = await browser.SendAsync(NewWorkflow("https://desk.example.com", site: "same-origin"));
        using var otherSite = await browser.SendAsync(NewWorkflow("https://evil.example", site: "cross-site"));

        Assert.Equal(HttpStatusCode.Created, ownPage.StatusCode);
        await otherSite.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_cookie_write_from_an_origin_named_in_the_settings_is_accepted()
    {
        using var browser = await EditorBrowserAsync();
        using var response = await browser.SendAsync(NewWorkflow(FrontDoorDesk.AllowedOrigin, site: "cross-site"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task An_api_key_call_with_a_foreign_origin_is_accepted()
    {
        using var response = await Desk.Editor.SendAsync(NewWorkflow("https://evil.example", site: "cross-site"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task The_live_channel_refuses_a_negotiation_from_another_site_and_takes_one_from_the_desk()
    {
        using var browser = await EditorBrowserAsync();
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/hubs/desk/negotiate?negotiateVersion=1");
        foreign.Headers.Add("Origin", "https://evil.example");
        using var own = new HttpRequestMessage(HttpMethod.Post, "/hubs/desk/negotiate?negotiateVersion=1");
        own.Headers.Add("Origin", "http://localhost");

        using var refused = await browser.SendAsync(foreign);
        using var accepted = await browser.SendAsync(own);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Signing_out_from_another_sites_page_is_refused()
    {
        using var browser = await EditorBrowserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/logout");
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var still = await browser.GetAsync("/api/v1/workflows");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }
}
