using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Core.Workflows;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// The desk's Core without a host, over a temporary SQLite file: a fake clock, a dispatcher that queues work until
/// the test runs it, and a record of every announced change. Dispose deletes the file.
/// </summary>
public sealed class CoreDesk : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder;
    private readonly ServiceProvider _services;
    private readonly IReadOnlyDictionary<string, string?>? _settings;

    private CoreDesk(string folder, ServiceProvider services, IReadOnlyDictionary<string, string?>? settings)
    {
        _folder = folder;
        _services = services;
        _settings = settings;
    }

    public FakeTimeProvider Time => Get<FakeTimeProvider>();
    public QueuedDispatcher Dispatcher => Get<QueuedDispatcher>();
    public RecordingDeskEvents Events => Get<RecordingDeskEvents>();
    public IServiceProvider Services => _services;
    public string DatabasePath => Path.Combine(_folder, "desk.db");

    /// <summary>A migrated desk. <paramref name="settings"/> adds or overrides configuration (e.g. <c>Http:AllowPrivateNetworks</c>).</summary>
    public static Task<CoreDesk> StartAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        StartInAsync(Path.Combine(Path.GetTempPath(), "desk-core-" + Guid.NewGuid().ToString("N")), settings);

    /// <summary>
    /// A restart: this desk's services stop (in-memory state is gone) and a new desk opens the same database file and
    /// folder, its clock where this one's was. Dispose the new desk, not this one.
    /// </summary>
    public async Task<CoreDesk> RestartAsync()
    {
        var now = Time.GetUtcNow();
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        var desk = await StartInAsync(_folder, _settings);
        desk.Time.SetUtcNow(now);
        return desk;
    }

    private static async Task<CoreDesk> StartInAsync(string folder, IReadOnlyDictionary<string, string?>? settings)
    {
        Directory.CreateDirectory(folder);
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={Path.Combine(folder, "desk.db")}",
            ["Http:AllowPrivateNetworks"] = "true",
            ["Channels:AllowPrivateNetworks"] = "true",
            ["Engine:NodeName"] = "test-node",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(new FakeTimeProvider(Epoch));
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<FakeTimeProvider>());
        services.AddDeskCore(configuration);
        services.AddSingleton<QueuedDispatcher>();
        services.AddSingleton<IExecutionDispatcher>(sp => sp.GetRequiredService<QueuedDispatcher>());
        services.AddSingleton<RecordingDeskEvents>();
        services.AddSingleton<IDeskEvents>(sp => new MeasuredDeskEvents(
            sp.GetRequiredService<RecordingDeskEvents>(), sp.GetRequiredService<DeskMetrics>(), sp.GetRequiredService<RunTraces>()));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var desk = new CoreDesk(folder, provider, settings);
        await using (var db = desk.NewDb())
        {
            await DeskDatabase.MigrateAsync(db, CancellationToken.None);
        }
        return desk;
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public DeskDbContext NewDb() => Get<IDbContextFactory<DeskDbContext>>().CreateDbContext();

    /// <summary>Saves a new workflow and returns its id.</summary>
    public async Task<Guid> SaveAsync(JsonObject definition)
    {
        var saved = await Get<WorkflowStore>().CreateAsync(definition.ToJsonString(), Actor.User("tester@desk.test"), CancellationToken.None);
        return saved["id"]!.GetValue<Guid>();
    }

    /// <summary>Queues a manual run of a saved workflow.</summary>
    public async Task<Guid> StartAsync(Guid workflowId, JsonObject? input = null)
    {
        var started = await Get<ExecutionLauncher>().StartAsync(
            workflowId, new RunRequest(TriggerTypes.Manual, input ?? []), Actor.User("tester@desk.test"), CancellationToken.None);
        return started.Id;
    }

    /// <summary>Saves, starts and runs a workflow until it ends or waits; returns the execution with its steps.</summary>
    public async Task<Execution> RunAsync(JsonObject definition, JsonObject? input = null)
    {
        var executionId = await StartAsync(await SaveAsync(definition), input);
        await RunDueWorkAsync();
        return await ExecutionAsync(executionId);
    }

    /// <summary>Runs every dispatched execution that is due by the fake clock, until none is left.</summary>
    public async Task RunDueWorkAsync()
    {
        var runner = Get<WorkflowRunner>();
        while (Dispatcher.TakeDue(Time.GetUtcNow()) is { } executionId)
        {
            await runner.RunAsync(executionId, CancellationToken.None);
        }
    }

    public async Task<Execution> ExecutionAsync(Guid executionId)
    {
        await using var db = NewDb();
        var execution = await db.Executions.AsNoTracking().Include(e => e.Steps).SingleAsync(e => e.Id == executionId);
        execution.Steps = execution.Steps.OrderBy(s => s.Position).ToList();
        return execution;
    }

    public async Task<List<ExecutionLog>> LogsAsync(Guid executionId)
    {
        await using var db = NewDb();
        return await db.ExecutionLogs.AsNoTracking().Where(l => l.ExecutionId == executionId).OrderBy(l => l.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
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
}
