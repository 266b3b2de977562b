using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Persistence;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Jobs;

/// <summary>Where Hangfire keeps the desk's lasting jobs: <c>Jobs:Storage</c>.</summary>
public enum JobStorageKind
{
    /// <summary>Hangfire.Storage.SQLite in <c>hangfire.db</c> beside the desk's database: schedules, timers and history survive a restart.</summary>
    Sqlite,

    /// <summary>Hangfire.InMemory: nothing survives a restart; the database still says what is open, and recovery hands it back.</summary>
    InMemory,
}

/// <summary>
/// Chooses and opens the storage of the desk's lasting jobs (recurring schedules, delayed wake-ups, maintenance), the one
/// <c>/hangfire</c> shows. Runs never go through it one job each: a persistent Hangfire storage moves about a hundred jobs a
/// second here, so they have the in-memory <see cref="RunJobStorage"/> of their own.
/// </summary>
public static class JobStorages
{
    public const string Setting = "Jobs:Storage";
    public const string FileName = "hangfire.db";

    /// <summary>The configured kind; a value that is neither is refused at start, with what it may be.</summary>
    public static JobStorageKind KindOf(IConfiguration configuration)
    {
        var value = configuration[Setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return JobStorageKind.Sqlite;
        }
        return Enum.TryParse<JobStorageKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new InvalidOperationException($"{Setting} is \"{value}\": it must be Sqlite (the default) or InMemory.");
    }

    /// <summary>
    /// Opens the lasting storage. SQLite goes into <see cref="FileName"/> in the folder of the desk's database file, read from
    /// the context the desk itself uses; a desk whose database is in memory has no folder, and its jobs stay in memory too.
    /// </summary>
    public static JobStorage OpenLasting(JobStorageKind kind, IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        if (StorageOptions.ProviderOf(configuration) == StorageProvider.Postgres)
        {
            return OnPostgres(configuration);
        }
        if (kind == JobStorageKind.Sqlite && FolderOf(services) is { } folder)
        {
            return new SQLiteStorage(Path.Combine(folder, FileName), new SQLiteStorageOptions
            {
                // Each idle worker asks the file for work this often: a schedule's fire and a wake-up wait at most this
                // long after Hangfire's schedule poller (every 500 ms) has queued them: together, within a second of the due time.
                QueuePollInterval = TimeSpan.FromMilliseconds(200),
            });
        }
        return InMemory();
    }

    /// <summary>
    /// On PostgreSQL the lasting jobs live in the desk's own database (schema <c>hangfire</c>), whatever <c>Jobs:Storage</c>
    /// says: every desk process sees the same schedules and timers, and a recurring job fires once per cluster. Workers look
    /// for new jobs every second instead of every 15 (the default). Its LISTEN/NOTIFY wake-up (EnableLongPolling) is left
    /// off: with it, a stopping desk waited about 20 seconds more for its workers.
    /// </summary>
    private static PostgreSqlStorage OnPostgres(IConfiguration configuration)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
        };
        var connectionString = configuration.GetConnectionString("Desk")
            ?? throw new InvalidOperationException("Storage:Provider is Postgres but ConnectionStrings:Desk is not set: name the PostgreSQL database.");
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    public static InMemoryStorage InMemory() => new(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long });

    private static string? FolderOf(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContext();
        return db.Database.GetConnectionString() is { } connectionString ? DeskDatabase.FolderOf(connectionString) : null;
    }
}
