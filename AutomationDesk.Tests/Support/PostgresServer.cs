using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// A real PostgreSQL server for the whole test run: Debian's binaries (<c>postgresql</c>, installed by
/// <c>scripts/test.sh</c>), a cluster made with <c>initdb</c> in a temporary folder and started with <c>pg_ctl</c>,
/// listening on a free port of 127.0.0.1 with its unix socket inside the folder. Started at first use, and stopped
/// (<c>pg_ctl stop -m immediate</c>) with its folder deleted when the test process exits, however it ends.
/// <c>initdb</c> refuses to run as root: then the cluster is the <c>postgres</c> user's, run through <c>runuser</c>.
/// Durability is switched off (fsync, synchronous commit): a test's database lives only as long as the run.
/// </summary>
public sealed class PostgresServer
{
    private const string User = "desk";

    private static readonly Lazy<PostgresServer> Started = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _bin;
    private readonly string _folder;
    private readonly int _port;

    private PostgresServer(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        _port = port;
    }

    /// <summary>The run's one server, started on first use.</summary>
    public static PostgresServer Shared => Started.Value;

    /// <summary>A connection string for a database of the server (no database: the maintenance database).</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = User,
        Database = database,
        // Desks and Hangfire in one test process open many pools; a short idle life gives their connections back soon.
        ConnectionIdleLifetime = 10,
    }.ConnectionString;

    /// <summary>Creates an empty database of its own (<c>desk_&lt;guid&gt;</c>) and answers its connection string.</summary>
    public string CreateDatabase()
    {
        var name = "desk_" + Guid.NewGuid().ToString("N");
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name}";
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    private static PostgresServer Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("No PostgreSQL under /usr/lib/postgresql/*/bin: install Debian's postgresql (scripts/test.sh does).");
        }
        var folder = Path.Combine(Path.GetTempPath(), "desk-postgres-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "socket"));
        if (Environment.UserName == "root")
        {
            Run("chown", ["-R", "postgres:postgres", folder]);
        }
        var server = new PostgresServer(bin, folder, FreePort());
        server.WatchTestProcess();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        try
        {
            server.As(Path.Combine(bin, "initdb"), ["-D", server.Data, "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            var settings = string.Join(' ',
                $"-c listen_addresses=127.0.0.1 -p {server._port} -c unix_socket_directories={Path.Combine(folder, "socket")}",
                "-c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            server.As(Path.Combine(bin, "pg_ctl"), ["start", "-w", "-t", "60", "-D", server.Data, "-l", Path.Combine(folder, "server.log"), "-o", settings]);
        }
        catch
        {
            server.Stop();
            throw;
        }
        return server;
    }

    private string Data => Path.Combine(_folder, "data");

    /// <summary>At the test process's exit; the test host may be ended soon after, so the folder is the watcher's to delete.</summary>
    private void Stop()
    {
        try
        {
            if (File.Exists(Path.Combine(Data, "postmaster.pid")))
            {
                As(Path.Combine(_bin, "pg_ctl"), ["stop", "-m", "immediate", "-D", Data]);
            }
        }
        catch (InvalidOperationException)
        {
            // Best effort: the watcher stops it too.
        }
    }

    /// <summary>
    /// A shell in its own session that waits for this test process to end, however it ends (a crash or SIGKILL
    /// included), then stops the server if it still runs and deletes the folder.
    /// </summary>
    private void WatchTestProcess()
    {
        var owner = Environment.UserName == "root" ? "runuser -u postgres -- " : "";
        var script = $"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {Environment.ProcessId}; do sleep 1; done
            if [ -f '{Data}/postmaster.pid' ]; then {owner}'{_bin}/pg_ctl' stop -m immediate -D '{Data}'; fi
            rm -rf '{_folder}'
            """;
        using var watcher = Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not start the PostgreSQL server's watcher.");
    }

    /// <summary>Runs a PostgreSQL program as the cluster's owner: this user, or <c>postgres</c> when this is root.</summary>
    private void As(string program, string[] arguments)
    {
        if (Environment.UserName == "root")
        {
            Run("runuser", ["-u", "postgres", "--", program, .. arguments]);
        }
        else
        {
            Run(program, arguments);
        }
    }

    private static void Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        // pg_ctl's server writes to its log file (-l), not to these pipes: they close when the program ends.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish in two minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
