using System.Net;
using System.Net.Http.Json;
using AutomationDesk.Core.Steps;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class SecretRulesApiTests(DeskApp desk)
{
    [Fact]
    public async Task A_secret_under_8_characters_is_refused_with_the_rule()
    {
        var name = $"short_{Guid.NewGuid():N}";

        using var response = await desk.Admin.PutAsJsonAsync($"/api/v1/secrets/{name}", new { value = "1234567" });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "value");
        Assert.Contains("at least 8 characters", problem["errors"]!["value"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await desk.Admin.GetPageAsync($"/api/v1/secrets?q={name}"));
    }

    [Fact]
    public async Task A_secret_of_8_characters_is_taken()
    {
        using var response = await desk.Admin.PutAsJsonAsync($"/api/v1/secrets/eight_{Guid.NewGuid():N}", new { value = "12345678" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_names_the_called_hosts_only_to_a_signed_in_caller()
    {
        const string host = "private-partner.example";
        desk.Services.GetRequiredService<HostCircuitBreakers>().For(host);

        using var client = desk.Anonymous();
        using var anonymous = await client.GetAsync("/health/ready");
        using var signedIn = await desk.Viewer.GetAsync("/health/ready");

        var anonymousText = await anonymous.Content.ReadAsStringAsync();
        var anonymousBody = await anonymous.JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(host, anonymousText, StringComparison.Ordinal);
        Assert.Equal("Healthy", (string)anonymousBody["checks"]!["database"]!["status"]!);
        Assert.Null(anonymousBody["checks"]!["circuits"]!["description"]);
        Assert.Contains(host, await signedIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
