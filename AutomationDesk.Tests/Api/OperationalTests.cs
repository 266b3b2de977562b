using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class OperationalTests(DeskApp desk)
{
    [Fact]
    public async Task Health_answers_without_sign_in()
    {
        using var client = desk.Anonymous();
        using var live = await client.GetAsync("/health");
        Assert.Equal("Healthy", (string)(await live.JsonAsync(HttpStatusCode.OK))["status"]!);
    }

    [Fact]
    public void Settings_files_are_read_at_start_and_not_watched()
    {
        // A watcher over the content root would wake for every write to the database under data/.
        var configuration = (IConfigurationRoot)desk.Services.GetRequiredService<IConfiguration>();
        var files = configuration.Providers.OfType<JsonConfigurationProvider>().Select(p => p.Source).ToList();
        Assert.Contains(files, f => f.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched"));
    }

    [Fact]
    public async Task Readiness_checks_the_database_and_the_job_server()
    {
        using var client = desk.Anonymous();
        using var ready = await client.GetAsync("/health/ready");
        var body = await ready.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Healthy", (string)body["checks"]!["database"]!["status"]!);
        Assert.Equal("Healthy", (string)body["checks"]!["jobs"]!["status"]!);
        // Other tests in this desk call failing local servers, so a host's circuit may be open (Degraded), never Unhealthy.
        Assert.True((string)body["checks"]!["circuits"]!["status"]! is "Healthy" or "Degraded");
        Assert.Equal((string)body["checks"]!["circuits"]!["status"]!, (string)body["status"]!);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_routes()
    {
        using var client = desk.Anonymous();
        using var response = await client.GetAsync("/openapi/v1.json");
        var paths = (await response.JsonAsync(HttpStatusCode.OK))["paths"]!.AsObject();
        string[] expected =
        [
            "/api/v1/workflows", "/api/v1/workflows/{id}", "/api/v1/workflows/{id}/enable", "/api/v1/workflows/{id}/disable",
            "/api/v1/workflows/{id}/versions", "/api/v1/workflows/{id}/versions/{version}", "/api/v1/workflows/{id}/versions/{version}/restore",
            "/api/v1/workflows/{id}/execute", "/api/v1/executions", "/api/v1/executions/{id}", "/api/v1/executions/{id}/logs",
            "/api/v1/notifications", "/api/v1/notifications/stats", "/api/v1/notifications/{id}/read", "/api/v1/notifications/read-all",
            "/api/v1/notifications/{id}", "/api/v1/collections", "/api/v1/collections/{name}/records", "/api/v1/secrets", "/api/v1/secrets/{name}",
            "/api/v1/audit", "/api/v1/api-keys", "/api/v1/api-keys/{id}", "/api/v1/users", "/api/v1/users/{id}/role",
        ];
        Assert.All(expected, path => Assert.True(paths.ContainsKey(path), $"The OpenAPI document lists {path}: {string.Join(", ", paths.Select(p => p.Key))}"));
        Assert.NotNull(paths["/api/v1/workflows"]!["post"]);
        Assert.NotNull(paths["/api/v1/workflows/{id}"]!["delete"]);
    }
}
