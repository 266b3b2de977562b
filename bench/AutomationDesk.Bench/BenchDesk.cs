using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Bench;

/// <summary>
/// The desk as the app composes it (AddDeskCore + AddDeskWeb: Hangfire with hangfire.db for lasting jobs and an in-memory
/// storage for runs, the real ExecutionJob, the engine, SQLite in WAL) over a fresh database file, started on loopback. Runs start through the launcher the
/// execute endpoint calls; the end of a run is seen on the live events the UI listens to.
/// </summary>
internal sealed class BenchDesk : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<(ExecutionStatus Status, long At)>> _finished = new();

    private BenchDesk(WebApplication app, string folder)
    {
        _app = app;
        _folder = folder;
        Launcher = app.Services.GetRequiredService<ExecutionLauncher>();
        RunJobs = app.Services.GetRequiredService<IBackgroundJobClientFactory>().GetClient(app.Services.GetRequiredService<RunJobStorage>().Storage);
        LastingJobs = app.Services.GetRequiredService<IBackgroundJobClient>();
        app.Services.GetRequiredService<LiveDeskEvents>().ExecutionChanged += OnExecutionChanged;
    }

    public ExecutionLauncher Launcher { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The in-memory Hangfire storage's client, the one that carries runs.</summary>
    public IBackgroundJobClient RunJobs { get; }

    /// <summary>The lasting storage's client (<c>Jobs:Storage</c>): schedules, timers, maintenance.</summary>
    public IBackgroundJobClient LastingJobs { get; }

    public string DatabasePath => Path.Combine(_folder, "desk.db");

    public static async Task<BenchDesk> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "automationdesk-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = folder,
            Args = ["--hostBuilder:reloadConfigOnChange=false"], // as Program.cs starts the app
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={Path.Combine(folder, "desk.db")}",
            ["Bootstrap:AdminPassword"] = "bench-Password-1",
            ["urls"] = "http://127.0.0.1:0",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Error);
        builder.Services.AddDeskCore(builder.Configuration);
        builder.Services.AddDeskWeb(builder.Configuration);
        var app = builder.Build();
        await app.InitializeDeskAsync();
        await app.StartAsync();
        return new BenchDesk(app, folder);
    }

    public async Task<Guid> CreateWorkflowAsync(string json)
    {
        var created = await Services.GetRequiredService<WorkflowStore>().CreateAsync(json, Actor.System, CancellationToken.None);
        return created["id"]!.GetValue<Guid>();
    }

    /// <summary>Starts a run as the execute endpoint does; returns its id and the stopwatch tick at which it was accepted.</summary>
    public async Task<(Guid Id, long AcceptedAt)> StartAsync(Guid workflowId, string customer)
    {
        var input = new JsonObject { ["body"] = new JsonObject { ["customer"] = customer, ["amount"] = 75 } };
        var started = await Launcher.StartAsync(workflowId, new RunRequest(TriggerTypes.Manual, input), Actor.Key("bench"), CancellationToken.None);
        return (started.Id, Stopwatch.GetTimestamp());
    }

    public Task<(ExecutionStatus Status, long At)> FinishedAsync(Guid id) => Completion(id).Task;

    private TaskCompletionSource<(ExecutionStatus, long)> Completion(Guid id) =>
        _finished.GetOrAdd(id, _ => new TaskCompletionSource<(ExecutionStatus, long)>(TaskCreationOptions.RunContinuationsAsynchronously));

    private void OnExecutionChanged(ExecutionSummary execution)
    {
        if (execution.Status.IsFinal())
        {
            Completion(execution.Id).TrySetResult((execution.Status, Stopwatch.GetTimestamp()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _app.Services.GetRequiredService<LiveDeskEvents>().ExecutionChanged -= OnExecutionChanged;
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp folder behind.
        }
    }
}
