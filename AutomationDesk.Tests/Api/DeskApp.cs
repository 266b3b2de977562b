using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The desk in-process over a temporary SQLite file (or, from <see cref="PostgresDeskApp"/>, a fresh database of the
/// test run's PostgreSQL server), its job server running real executions, with an Admin, an Editor and a Viewer, each
/// signed in by an API key.
/// </summary>
public class DeskApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@api.test";
    public const string AdminPassword = "Api-Test-Admin-1";
    public const string AdminKey = "api-test-admin-key-0123456789";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-api-" + Guid.NewGuid().ToString("N"));
    private readonly Action<IWebHostBuilder>? _configure;
    private readonly StorageProvider _provider;

    public DeskApp()
    {
    }

    /// <summary>A desk of its own with further settings (a test that needs, say, a low rate limit).</summary>
    internal DeskApp(Action<IWebHostBuilder> configure) => _configure = configure;

    /// <summary>A desk on the given store, with further settings if any.</summary>
    internal DeskApp(StorageProvider provider, Action<IWebHostBuilder>? configure = null)
    {
        _provider = provider;
        _configure = configure;
    }

    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Editor { get; private set; } = null!;
    public HttpClient Viewer { get; private set; } = null!;
    public string EditorKey { get; private set; } = "";
    public string ViewerKey { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_folder);
        builder.UseEnvironment("Development");
        if (_provider == StorageProvider.Postgres)
        {
            // The database is shared by every node; the files the desk keeps beside a SQLite database are named here.
            builder.UseSetting("Storage:Provider", nameof(StorageProvider.Postgres));
            builder.UseSetting("ConnectionStrings:Desk", PostgresServer.Shared.CreateDatabase());
            builder.UseSetting("DataProtection:KeyFile", Path.Combine(_folder, "keys", "dataprotection.key"));
            builder.UseSetting("Artifacts:Root", Path.Combine(_folder, "artifacts"));
            builder.UseSetting("Archive:Root", Path.Combine(_folder, "archive"));
            builder.UseSetting("Files:Root", Path.Combine(_folder, "files"));
        }
        else
        {
            builder.UseSetting("ConnectionStrings:Desk", $"Data Source={Path.Combine(_folder, "desk.db")}");
        }
        builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Bootstrap:ApiKey", AdminKey);
        builder.UseSetting("Http:AllowPrivateNetworks", "true");
        builder.UseSetting("Channels:AllowPrivateNetworks", "true");
        builder.UseSetting("Jobs:WorkerCount", "2");
        // Every test's webhook calls come from the one test client: the receivers' rate limit is tested on a desk of its own (FrontDoorDesk).
        builder.UseSetting("RateLimits:WebhooksPerMinute", "0");
        _configure?.Invoke(builder);
    }

    public async Task InitializeAsync()
    {
        Admin = ClientWithKey(AdminKey);
        EditorKey = await CreateUserWithKeyAsync("Editor");
        ViewerKey = await CreateUserWithKeyAsync("Viewer");
        Editor = ClientWithKey(EditorKey);
        Viewer = ClientWithKey(ViewerKey);
    }

    /// <summary>A client without credentials that sees redirects as they are.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });

    public HttpClient ClientWithKey(string key)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        return client;
    }

    /// <summary>Makes a user with the role (through the users API) and an API key for them (through the keys API).</summary>
    public async Task<string> CreateUserWithKeyAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@api.test";
        var user = await PostAsync("/api/v1/users", new { email, password = "Api-Test-User-1", role });
        var key = await PostAsync("/api/v1/api-keys", new { name = $"{role} key", userId = (string)user["id"]! });
        return (string)key["key"]!;
    }

    private async Task<JsonObject> PostAsync(string path, object body)
    {
        using var response = await Admin.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.Created
            ? JsonNode.Parse(text)!.AsObject()
            : throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Admin?.Dispose();
        Editor?.Dispose();
        Viewer?.Dispose();
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
