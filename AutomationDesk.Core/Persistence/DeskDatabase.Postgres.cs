using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AutomationDesk.Core.Persistence;

/// <summary>PostgreSQL: the database that several desk processes share (<c>Storage:Provider=Postgres</c>).</summary>
public static partial class DeskDatabase
{
    /// <summary>
    /// PostgreSQL's migrations are generated from the same model as SQLite's, into their own assembly: EF Core keeps one
    /// migration set per provider, and one context type's second set must live apart from the first.
    /// </summary>
    public const string PostgresMigrationsAssembly = "AutomationDesk.PostgresMigrations";

    /// <summary>
    /// The session advisory lock a desk process holds while it migrates: two nodes starting together would otherwise
    /// both find the schema behind and both apply the same migration. The number is the desk's own ('desk' in ASCII);
    /// nothing else in the database is expected to take it.
    /// </summary>
    public const long MigrationLock = 0x6465736B;

    private static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // Most often the SQLite default left in place: "Data Source=data/automationdesk.db".
            throw new InvalidOperationException(
                $"Storage:Provider is Postgres, but ConnectionStrings:Desk is not a PostgreSQL connection string ({e.Message}). " +
                "Set it to, for example, Host=db;Database=automationdesk;Username=desk;Password=…", e);
        }
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));
    }

    /// <summary>
    /// Migrates under <see cref="MigrationLock"/> (see <see cref="StartTurnAsync"/>). A second node waits for the first
    /// one's migration, then finds nothing left to apply. The database itself must exist: the lock needs a connection to it.
    /// </summary>
    private static async Task MigratePostgresAsync(DeskDbContext db, CancellationToken ct)
    {
        var log = db.GetService<ILoggerFactory>().CreateLogger("AutomationDesk.Database");
        await using (await StartTurnAsync(db, ct))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                log.LogInformation("Migrating the PostgreSQL database: {Migrations}", string.Join(", ", pending));
                await db.Database.MigrateAsync(ct);
            }
        }
    }

    /// <summary>
    /// One desk process at a time through start-up work that checks and then writes (migrating, making the roles and the
    /// first admin): on PostgreSQL the session advisory lock <see cref="MigrationLock"/>, taken on <paramref name="db"/>'s
    /// connection, which stays open until dispose lets the lock go (a session lock belongs to its connection; it is
    /// reentrant, so the migration inside takes it again). On SQLite, one process owns the file: nothing to take.
    /// </summary>
    public static async Task<IAsyncDisposable> StartTurnAsync(DeskDbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            return new HeldTurn(null);
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", ct);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
        return new AdvisoryLock(db);
    }

    private sealed class AdvisoryLock(DeskDbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
