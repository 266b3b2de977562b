using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace AutomationDesk.Core.Persistence;

/// <summary>
/// How the desk opens its database: SQLite in WAL mode, with a busy timeout so writers queue instead of failing; or
/// PostgreSQL (see DeskDatabase.Postgres.cs), which several desk processes share.
/// </summary>
public static partial class DeskDatabase
{
    public static void Configure(DbContextOptionsBuilder options, string connectionString, StorageProvider provider = StorageProvider.Sqlite)
    {
        if (provider == StorageProvider.Postgres)
        {
            ConfigurePostgres(options, connectionString);
            return;
        }
        var builder = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30, Pooling = true };
        if (FolderOf(connectionString) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
        options.UseSqlite(builder.ToString())
            .AddInterceptors(SqlitePragmas.Instance, SqliteWriteGate.Instance);
    }

    /// <summary>The folder of the database file, as a full path; null for an in-memory database.</summary>
    public static string? FolderOf(string connectionString) => FileOf(connectionString) is { } file ? Path.GetDirectoryName(file) : null;

    /// <summary>The database file, as a full path; null for an in-memory database.</summary>
    public static string? FileOf(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.DataSource is "" or ":memory:" || builder.Mode == SqliteOpenMode.Memory ? null : Path.GetFullPath(builder.DataSource);
    }

    /// <summary>
    /// Creates or migrates the schema. SQLite: turns on incremental auto-vacuum and WAL (both kept in the file once set).
    /// PostgreSQL: one desk process at a time (see <see cref="MigratePostgresAsync"/>).
    /// </summary>
    public static async Task MigrateAsync(DeskDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
        {
            await MigratePostgresAsync(db, ct);
            return;
        }
        await UseIncrementalVacuumAsync(db, ct);
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>
    /// Incremental auto-vacuum lets retention give freed pages back to the file system (<c>PRAGMA incremental_vacuum</c>),
    /// so the file shrinks after a prune. SQLite takes the mode only before the first table is written, or at a
    /// <c>VACUUM</c>: a new file gets it at once (its VACUUM is instant). An existing file is rewritten once, here, only
    /// when that is quick and safe: up to <see cref="MaxConvertBytes"/>, with twice its size free on its disk. A larger
    /// one, or a conversion that fails (another process holds the file, the disk is full), is left as it is with a warning
    /// that says how to convert it while the desk is stopped: the desk starts either way, and a prune then leaves freed
    /// pages for reuse instead of shrinking the file.
    /// </summary>
    private static async Task UseIncrementalVacuumAsync(DeskDbContext db, CancellationToken ct)
    {
        const long incremental = 2;
        var log = db.GetService<ILoggerFactory>().CreateLogger("AutomationDesk.Database");
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (await ScalarAsync(connection, "PRAGMA auto_vacuum;", ct) == incremental)
            {
                return;
            }
            var tables = await ScalarAsync(connection, "SELECT count(*) FROM sqlite_master;", ct);
            var file = FileOf(connection.ConnectionString);
            if (tables > 0 && file is not null && !SafeToRewrite(file))
            {
                log.LogWarning(
                    "The database {File} is not in incremental auto-vacuum mode, so retention cannot shrink it; it is too large to convert at start. " +
                    "Stop the desk and run: sqlite3 {File} 'PRAGMA auto_vacuum=INCREMENTAL; VACUUM;'", file, file);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            await ScalarAsync(connection, "PRAGMA auto_vacuum=INCREMENTAL;", ct);
            await ScalarAsync(connection, "VACUUM;", ct);
            if (tables > 0)
            {
                log.LogInformation(
                    "Converted the database to incremental auto-vacuum (one VACUUM, {ElapsedMs} ms): pruned space is now given back to the disk",
                    (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (SqliteException e)
        {
            log.LogWarning(e, "Could not convert the database to incremental auto-vacuum; it keeps its mode (freed pages are reused, the file does not shrink)");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The largest existing database converted to incremental auto-vacuum at start (one VACUUM rewrites all of it).</summary>
    public const long MaxConvertBytes = 512L * 1024 * 1024;

    private static bool SafeToRewrite(string file)
    {
        var size = File.Exists(file) ? new FileInfo(file).Length : 0;
        var free = new DriveInfo(Path.GetPathRoot(file)!).AvailableFreeSpace;
        return size <= MaxConvertBytes && free > 2 * size;
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct) is long value ? value : 0;
    }

    /// <summary>
    /// This process's write turn for the database file without a transaction, for a statement SQLite refuses inside
    /// one (a WAL checkpoint) or one it runs as its own (an incremental vacuum step). Dispose hands it on. PostgreSQL has
    /// no single writer to queue for: there the turn is nothing.
    /// </summary>
    public static async Task<IAsyncDisposable> WriteTurnAsync(DbContext db, CancellationToken ct)
    {
        var gate = GateOf(db);
        if (gate is not null)
        {
            await gate.WaitAsync(ct);
        }
        return new HeldTurn(gate);
    }

    /// <summary>SQLite's one writer per file is queued for in this process; PostgreSQL's writers lock only the rows they change.</summary>
    private static SemaphoreSlim? GateOf(DbContext db) =>
        db.Database.IsSqlite() ? SqliteWriteGate.Instance.Gate(db.Database.GetDbConnection()) : null;

    private sealed class HeldTurn(SemaphoreSlim? gate) : IAsyncDisposable
    {
        private int _handedOn;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _handedOn, 1) == 0)
            {
                gate?.Release();
            }
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// A transaction that holds this process's write turn for the database file from BEGIN to COMMIT, for a write that
    /// is more than one statement of the caller's (SaveChanges and a <see cref="MultiRowInsert"/>, an ExecuteUpdate and
    /// SaveChanges). Writes inside it are not gated again. The turn is handed on at commit; dispose rolls back what was
    /// not committed and hands it on then. Inside, write only through <paramref name="db"/>: another context's write
    /// would wait for this very turn. On PostgreSQL it is a plain transaction (read committed).
    /// </summary>
    public static async Task<WriteTransaction> BeginWriteAsync(DbContext db, CancellationToken ct)
    {
        var gate = GateOf(db);
        if (gate is not null)
        {
            await gate.WaitAsync(ct);
        }
        try
        {
            return new WriteTransaction(await db.Database.BeginTransactionAsync(ct), gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    public sealed class WriteTransaction(IDbContextTransaction transaction, SemaphoreSlim? gate) : IAsyncDisposable
    {
        private int _turnHandedOn;

        public async Task CommitAsync(CancellationToken ct)
        {
            await transaction.CommitAsync(ct);
            HandOn();
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await transaction.DisposeAsync();
            }
            finally
            {
                HandOn();
            }
        }

        private void HandOn()
        {
            if (Interlocked.Exchange(ref _turnHandedOn, 1) == 0)
            {
                gate?.Release();
            }
        }
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

    /// <summary>
    /// One writer at a time per database file in this process. SQLite has one writer anyway; a writer that finds the
    /// lock taken sleeps in SQLite's busy handler (1, 2, 5 … 100 ms at a time), which made runs slow as soon as a few
    /// Hangfire workers wrote at once. Queuing here hands the lock on as soon as it is free. Reads are not gated: WAL
    /// readers never wait. A write inside a transaction the caller opened is not gated either: a transaction from
    /// <see cref="BeginWriteAsync"/> already holds the turn, and any other may already hold SQLite's lock, so waiting
    /// for the gate while holding it could stall the gate's holder.
    /// </summary>
    private sealed class SqliteWriteGate : SaveChangesInterceptor, IDbCommandInterceptor
    {
        public static readonly SqliteWriteGate Instance = new();

        private readonly ConcurrentDictionary<string, SemaphoreSlim> _byConnectionString = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, SemaphoreSlim> _byFile = new(StringComparer.Ordinal);
        private readonly ConditionalWeakTable<object, SemaphoreSlim> _held = new();

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            if (GateFor(eventData.Context) is { } gate)
            {
                gate.Wait();
                _held.AddOrUpdate(eventData.Context!, gate);
            }
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (GateFor(eventData.Context) is { } gate)
            {
                await gate.WaitAsync(cancellationToken);
                _held.AddOrUpdate(eventData.Context!, gate);
            }
            return result;
        }

        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            Release(eventData.Context);
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Release(eventData.Context);
            return ValueTask.FromResult(result);
        }

        public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData.Context);

        public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Release(eventData.Context);
            return Task.CompletedTask;
        }

        public override void SaveChangesCanceled(DbContextEventData eventData) => Release(eventData.Context);

        public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
        {
            Release(eventData.Context);
            return Task.CompletedTask;
        }

        // Bulk writes (ExecuteUpdate, ExecuteDelete: the run's claim and lease) outside SaveChanges.
        public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            if (GateFor(command, eventData.Context) is { } gate)
            {
                gate.Wait();
                _held.AddOrUpdate(command, gate);
            }
            return result;
        }

        public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (GateFor(command, eventData.Context) is { } gate)
            {
                await gate.WaitAsync(cancellationToken);
                _held.AddOrUpdate(command, gate);
            }
            return result;
        }

        public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            Release(command);
            return result;
        }

        public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Release(command);
            return ValueTask.FromResult(result);
        }

        public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Release(command);

        public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Release(command);
            return Task.CompletedTask;
        }

        public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Release(command);

        public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Release(command);
            return Task.CompletedTask;
        }

        private SemaphoreSlim? GateFor(DbContext? context) =>
            context is { Database.CurrentTransaction: null } ? Gate(context.Database.GetDbConnection()) : null;

        private SemaphoreSlim? GateFor(DbCommand command, DbContext? context)
        {
            if (command.Transaction is not null || command.Connection is null || (context is not null && _held.TryGetValue(context, out _)))
            {
                return null;
            }
            var text = command.CommandText.AsSpan().TrimStart();
            return text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
                ? Gate(command.Connection)
                : null;
        }

        /// <summary>
        /// The file's gate. Keyed by the connection string, which reads the same open or closed (an open connection's
        /// DataSource is the file's full path, a closed one's is the string's, maybe relative), then by the full path.
        /// </summary>
        public SemaphoreSlim Gate(DbConnection connection) =>
            _byConnectionString.GetOrAdd(connection.ConnectionString, text =>
                _byFile.GetOrAdd(FileOf(text) ?? text, _ => new SemaphoreSlim(1, 1)));

        private void Release(object? holder)
        {
            if (holder is not null && _held.TryGetValue(holder, out var gate) && _held.Remove(holder))
            {
                gate.Release();
            }
        }
    }
}
