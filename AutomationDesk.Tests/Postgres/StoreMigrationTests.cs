using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Api;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomationDesk.Tests.Postgres;

/// <summary>
/// Both stores' migration sets against the one model, and the desk's start on an empty PostgreSQL database: migrated
/// from zero, and migrated once when two desks start on it together.
/// </summary>
public sealed class StoreMigrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("desk-migrations-").FullName;

    private static DeskDbContext Context(string connectionString, StorageProvider provider)
    {
        var options = new DbContextOptionsBuilder<DeskDbContext>();
        DeskDatabase.Configure(options, connectionString, provider);
        options.UseLoggerFactory(NullLoggerFactory.Instance);
        return new DeskDbContext(options.Options);
    }

    [Theory]
    [InlineData(null, StorageProvider.Sqlite)]
    [InlineData("Sqlite", StorageProvider.Sqlite)]
    [InlineData("Postgres", StorageProvider.Postgres)]
    [InlineData("postgres", StorageProvider.Postgres)]
    public void The_provider_is_read_from_storage_provider(string? value, StorageProvider expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = value }).Build();
        Assert.Equal(expected, StorageOptions.ProviderOf(configuration));
    }

    [Fact]
    public void A_provider_the_desk_does_not_know_is_refused_in_words()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL" }).Build();
        var refused = Assert.Throws<InvalidOperationException>(() => StorageOptions.ProviderOf(configuration));
        Assert.Equal("Storage:Provider is \"PostgreSQL\": it must be Sqlite or Postgres.", refused.Message);
    }

    [Fact]
    public void A_sqlite_connection_string_for_postgres_is_refused_in_words()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Context("Data Source=data/automationdesk.db", StorageProvider.Postgres));
        Assert.StartsWith("Storage:Provider is Postgres, but ConnectionStrings:Desk is not a PostgreSQL connection string", refused.Message);
    }

    [Fact]
    public void SQLites_migrations_match_the_model()
    {
        using var db = Context($"Data Source={Path.Combine(_folder, "model.db")}", StorageProvider.Sqlite);
        Assert.True(db.Database.IsSqlite());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changed since SQLite's last migration: add one (AutomationDesk.Core).");
    }

    [Fact]
    public void PostgreSQLs_migrations_match_the_model()
    {
        using var db = Context(PostgresServer.Shared.ConnectionString(), StorageProvider.Postgres);
        Assert.True(db.Database.IsNpgsql());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changed since PostgreSQL's last migration: add one (AutomationDesk.PostgresMigrations).");
    }

    [Fact]
    public void Each_store_has_its_own_migrations()
    {
        using var sqlite = Context($"Data Source={Path.Combine(_folder, "own.db")}", StorageProvider.Sqlite);
        using var postgres = Context(PostgresServer.Shared.ConnectionString(), StorageProvider.Postgres);
        var sqliteMigrations = sqlite.Database.GetMigrations().ToList();
        var postgresMigrations = postgres.Database.GetMigrations().ToList();
        Assert.NotEmpty(sqliteMigrations);
        Assert.NotEmpty(postgresMigrations);
        Assert.Empty(sqliteMigrations.Intersect(postgresMigrations));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_empty_database_is_migrated_from_zero_and_keeps_what_is_written(StorageProvider provider)
    {
        var connectionString = provider == StorageProvider.Postgres
            ? PostgresServer.Shared.CreateDatabase()
            : $"Data Source={Path.Combine(_folder, "empty.db")}";
        // A time with milliseconds and an offset: it must read back as the same instant on either store.
        var time = new DateTimeOffset(2026, 12, 8, 10, 30, 15, 123, TimeSpan.FromHours(2));
        await using (var db = Context(connectionString, provider))
        {
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
            await DeskDatabase.MigrateAsync(db, CancellationToken.None);
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            db.Settings.Add(new DeskSetting { Key = "desk.name", ValueJson = "\"Ops\"", UpdatedAt = time });
            await db.SaveChangesAsync();
        }
        await using (var db = Context(connectionString, provider))
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            var setting = await db.Settings.SingleAsync(s => s.Key == "desk.name" && s.UpdatedAt == time);
            Assert.Equal(time.UtcTicks, setting.UpdatedAt.UtcTicks);
        }
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Two_desks_starting_together_on_an_empty_database_both_start_and_it_is_migrated_once()
    {
        var database = PostgresServer.Shared.CreateDatabase();
        var migrations = new MigrationLog();
        void OnSharedDatabase(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Desk", database);
            builder.ConfigureLogging(logging => logging.AddProvider(migrations));
        }
        await using var first = new DeskApp(StorageProvider.Postgres, OnSharedDatabase);
        await using var second = new DeskApp(StorageProvider.Postgres, OnSharedDatabase);

        await Task.WhenAll(Task.Run(() => first.Server), Task.Run(() => second.Server));

        Assert.Equal(1, migrations.Count);
        await using var db = Context(database, StorageProvider.Postgres);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        using var client = second.ClientWithKey(DeskApp.AdminKey);
        using var answer = await client.GetAsync("/api/v1/workflows");
        Assert.True(answer.IsSuccessStatusCode, $"The second desk answered {(int)answer.StatusCode}.");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Counts the desks' "Migrating the PostgreSQL database" lines: a desk logs one when it applies migrations.</summary>
    private sealed class MigrationLog : ILoggerProvider
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ILogger CreateLogger(string categoryName) => new Counter(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Counter(MigrationLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (category == "AutomationDesk.Database" && formatter(state, exception).StartsWith("Migrating the PostgreSQL database", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref log._count);
                }
            }
        }
    }
}
