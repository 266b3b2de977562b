using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>The whole web host over a temporary SQLite file, called with the bootstrap admin key; runs go through Hangfire.</summary>
public sealed class RunsApiDesk : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "runs-api-admin-key-0123456789";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-runs-api-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_folder);
        builder.UseSetting("ConnectionStrings:Desk", $"Data Source={Path.Combine(_folder, "desk.db")}");
        builder.UseSetting("Bootstrap:AdminEmail", "admin@desk.test");
        builder.UseSetting("Bootstrap:AdminPassword", "Runs-Api-Test-1");
        builder.UseSetting("Bootstrap:ApiKey", AdminKey);
        builder.UseSetting("Http:AllowPrivateNetworks", "true");
    }

    public HttpClient Api()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    /// <summary>A client with the API key of a new Viewer.</summary>
    public async Task<HttpClient> ViewerAsync()
    {
        using var admin = Api();
        var email = $"viewer-{Guid.NewGuid():N}@desk.test";
        using var response = await admin.PostAsJsonAsync(new Uri("/api/v1/users", UriKind.Relative),
            new { email, password = "Viewer-Test-1", role = "Viewer" });
        response.EnsureSuccessStatusCode();
        var userId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var key = $"viewer-key-{Guid.NewGuid():N}";
        await Services.GetRequiredService<ApiKeyStore>().CreateAsync("viewer", userId, Actor.System, CancellationToken.None, key);
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Saves a manual workflow of the given steps and answers its id.</summary>
    public static async Task<Guid> SaveWorkflowAsync(HttpClient api, string name, string stepsJson, string? settingsJson = null)
    {
        var settings = settingsJson is null ? "" : $", \"settings\": {settingsJson}";
        var json = $$"""{ "schemaVersion": 1, "name": "{{name}}", "trigger": { "type": "manual" }, "steps": {{stepsJson}}{{settings}} }""";
        using var response = await api.PostAsync(new Uri("/api/v1/workflows", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public static async Task<Guid> StartAsync(HttpClient api, Guid workflowId, JsonObject input)
    {
        using var response = await api.PostAsJsonAsync(new Uri($"/api/v1/workflows/{workflowId}/execute", UriKind.Relative), input);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["executionId"]!.GetValue<Guid>();
    }

    /// <summary>Polls the run until its status is one of <paramref name="statuses"/>, for at most 15 seconds.</summary>
    public static async Task<JsonObject> WaitForStatusAsync(HttpClient api, Guid executionId, params string[] statuses)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (true)
        {
            var detail = (await api.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/executions/{executionId}", UriKind.Relative)))!;
            var status = detail["status"]!.GetValue<string>();
            if (statuses.Contains(status))
            {
                return detail;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Execution {executionId} is still {status}, not {string.Join(" or ", statuses)}: {detail.ToJsonString()}");
            }
            // Polling the condition (bounded by the deadline); the pause only spares the shared CPU.
            await Task.Delay(25);
        }
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection: the temp folder is cleaned by the OS.
        }
    }
}
