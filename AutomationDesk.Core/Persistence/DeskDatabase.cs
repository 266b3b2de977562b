using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace AutomationDesk.Core.Persistence;

/// <summary>How the desk opens its database: SQLite in WAL mode, with a busy timeout so writers queue instead of failing.</summary>
public static class DeskDatabase
{
    public static void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30, Pooling = true };
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } folder && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
        options.UseSqlite(builder.ToString())
            .AddInterceptors(SqlitePragmas.Instance);
    }

    /// <summary>Creates or migrates the schema and turns on WAL (kept in the file once set).</summary>
    public static async Task MigrateAsync(DeskDbContext db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>
    /// Per connection: NORMAL sync is durable across a process crash in WAL mode (only an OS crash can lose the
    /// last commits), and it is several times faster than FULL. Pooled connections keep their settings, so they
    /// are applied once per native connection, not at every open.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        private readonly ConditionalWeakTable<sqlite3, object> _configured = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            if (connection is SqliteConnection { Handle: { } handle } && !_configured.TryAdd(handle, _configured))
            {
                return;
            }
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
            command.ExecuteNonQuery();
        }
    }
}
