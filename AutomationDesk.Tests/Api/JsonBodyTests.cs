using System.Net;
using System.Text;

namespace AutomationDesk.Tests.Api;

/// <summary>Every API route with a body takes JSON only: a form or plain-text body (what another site's page can send unasked) is 415.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class JsonBodyTests(FrontDoorDesk front)
{
    private DeskApp Desk => front.Desk;

    public static TheoryData<string, string> RoutesWithABody => new()
    {
        { "POST", "/api/v1/executions/01a20000-0000-7000-8000-000000000001/resume" },
        { "POST", "/api/v1/workflows" },
        { "PUT", "/api/v1/workflows/01a20000-0000-7000-8000-000000000001" },
        { "POST", "/api/v1/workflows/01a20000-0000-7000-8000-000000000001/execute" },
        { "POST", "/api/v1/workflows/import" },
        { "POST", "/api/v1/workflows/bulk" },
        { "PUT", "/api/v1/secrets/front-door" },
        { "POST", "/api/v1/users" },
        { "POST", "/api/v1/api-keys" },
    };

    [Theory]
    [MemberData(nameof(RoutesWithABody))]
    public async Task A_plain_text_body_is_refused_with_415_naming_json(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{\"decision\":\"approve\"}", Encoding.UTF8, "text/plain") };
        using var response = await Desk.Admin.SendAsync(request);

        var problem = await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Contains("text/plain", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RoutesWithABody))]
    public async Task A_form_body_is_refused_with_415(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = "approve" }),
        };
        using var response = await Desk.Admin.SendAsync(request);

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_json_body_with_a_charset_is_taken()
    {
        using var response = await Desk.Editor.PostAsync("/api/v1/workflows",
            new StringContent(Workflows.SaveCustomer(Workflows.UniqueName("Charset"), "charset").ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("charset", response.RequestMessage!.Content!.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_without_a_body_needs_no_content_type()
    {
        var workflow = await Workflows.CreateAsync(Desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Bodiless"), "bodiless"));
        using var response = await Desk.Editor.PostAsync($"/api/v1/workflows/{ApiAnswers.V7(workflow["id"])}/disable", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_webhook_receivers_still_take_any_content_type()
    {
        using var anonymous = Desk.Anonymous();
        anonymous.DefaultRequestHeaders.Add(FrontDoorDesk.AddressHeader, FrontDoorDesk.NewAddress());
        using var response = await anonymous.PostAsync($"/api/webhooks/{Guid.CreateVersion7()}/no-such-token", new StringContent("words", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
