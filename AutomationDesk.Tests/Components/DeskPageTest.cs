using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Hubs;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AutomationDesk.Tests.Components;

/// <summary>
/// A bunit context for the desk's pages: MudBlazor, the real Core services over a temporary SQLite file,
/// the live events pages listen to, and a signed-in user whose roles each test chooses.
/// Runs started here are queued only; a test that needs one to finish runs it with <see cref="RunQueuedAsync"/>.
/// </summary>
public abstract class DeskPageTest : BunitContext, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-page-" + Guid.NewGuid().ToString("N"));

    /// <param name="configure">Further services (a test-only connection type), added before the first is resolved.</param>
    protected DeskPageTest(Action<IServiceCollection>? configure = null)
    {
        Directory.CreateDirectory(_folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={Path.Combine(_folder, "desk.db")}",
            ["Http:AllowPrivateNetworks"] = "true",
            ["Channels:AllowPrivateNetworks"] = "true",
        }).Build();

        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddLogging();
        Services.AddSignalR();
        Services.AddDeskCore(configuration);
        Services.AddSingleton<LiveDeskEvents>();
        Services.AddSingleton<global::AutomationDesk.Core.Live.IDeskEvents>(sp => sp.GetRequiredService<LiveDeskEvents>());
        Services.AddSingleton<AutomationDesk.Web.Notifications.NotificationInbox>();
        Services.AddSingleton<QueuedRuns>();
        Services.AddSingleton<IExecutionDispatcher>(sp => sp.GetRequiredService<QueuedRuns>());
        Services.AddMudServices();
        Services.AddScoped<AutomationDesk.Web.Components.Shared.BrowserTimeZone>();
        configure?.Invoke(Services);
        JSInterop.Mode = JSRuntimeMode.Loose;

        Auth = AddAuthorization();
        Auth.SetAuthorized("admin@desk.test");
        Auth.SetRoles("Admin");
        Auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "test-user"));

        using var db = Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContext();
        db.Database.Migrate();
    }

    protected BunitAuthorizationContext Auth { get; }

    protected DeskDbContext NewDb() => Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContext();

    /// <summary>Runs every queued execution to its end (or its next wait) on the test's thread.</summary>
    protected async Task RunQueuedAsync()
    {
        var queued = Services.GetRequiredService<QueuedRuns>();
        var runner = Services.GetRequiredService<WorkflowRunner>();
        while (queued.TryTake(out var executionId))
        {
            await runner.RunAsync(executionId, CancellationToken.None);
        }
    }

    /// <summary>Saves a webhook workflow whose one transform step reads <c>trigger.body.name</c>; returns its id and token.</summary>
    protected async Task<(Guid Id, string Token)> SaveWebhookWorkflowAsync(string name)
    {
        var definition = AutomationDesk.Tests.Support.Definitions.Workflow(name, AutomationDesk.Tests.Support.Definitions.Transform("greet", "Hello ${trigger.body.name}"));
        definition["trigger"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "webhook" };
        var saved = await Services.GetRequiredService<global::AutomationDesk.Core.Workflows.WorkflowStore>()
            .CreateAsync(definition.ToJsonString(), global::AutomationDesk.Core.Auditing.Actor.System, CancellationToken.None);
        var id = saved["id"]!.GetValue<Guid>();
        await using var db = NewDb();
        return (id, db.Workflows.Single(w => w.Id == id).WebhookToken!);
    }

    /// <summary>Posts a request to a workflow's webhook receiver, as the public endpoint does.</summary>
    protected Task<global::AutomationDesk.Core.Triggers.WebhookOutcome> PostWebhookAsync(
        Guid workflowId, string token, string body, string contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null, long? bodyBytes = null)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var request = new global::AutomationDesk.Core.Triggers.WebhookRequest(
            "POST", contentType, headers ?? new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<string>> { ["source"] = ["test"] }, bytes);
        return Services.GetRequiredService<global::AutomationDesk.Core.Triggers.WorkflowWebhookReceiver>()
            .ReceiveAsync(workflowId, token, request, bodyBytes ?? bytes.Length, CancellationToken.None);
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only async-disposable, so the context is disposed here and xunit's Dispose finds it done.
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
            // A file still held open; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A dispatcher that only remembers what it was given.</summary>
    public sealed class QueuedRuns : IExecutionDispatcher
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<Guid> _queue = new();

        public bool TryTake(out Guid executionId) => _queue.TryDequeue(out executionId);

        public Task DispatchAsync(Guid executionId, CancellationToken ct)
        {
            _queue.Enqueue(executionId);
            return Task.CompletedTask;
        }

        public Task DispatchAtAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct)
        {
            _queue.Enqueue(executionId);
            return Task.CompletedTask;
        }
    }
}
