using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AutomationDesk.Tests.Crash;

/// <summary>
/// The desk as a child process, <c>dotnet AutomationDesk.Web.dll</c>, so a test can kill it for real. The app is the
/// build output next to the tests: the test project references the Web project, so every build of the tests
/// (<c>scripts/test.sh</c> builds first) copies <c>AutomationDesk.Web.dll</c> with its runtimeconfig and deps files
/// here. <c>dotnet X.dll</c> runs the app in the host process itself, so the pid is the desk's, not a wrapper's.
/// Settings go in as environment variables; the desk's console output is kept for failure messages.
/// </summary>
public sealed class DeskProcess : IAsyncDisposable
{
    public const string ApiKey = "crash-test-admin-key-0123456789";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private DeskProcess(Process process, ConcurrentQueue<string> output, Uri address)
    {
        _process = process;
        _output = output;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the desk wrote to stdout and stderr so far, in order.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts the desk on a free loopback port over <paramref name="databasePath"/> and waits until it answers.
    /// <paramref name="output"/> carries the console lines of earlier starts, so a failure shows the whole story.
    /// </summary>
    public static async Task<DeskProcess> StartAsync(string databasePath, IReadOnlyDictionary<string, string> settings, ConcurrentQueue<string> output)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "AutomationDesk.Web.dll");
        Assert.True(File.Exists(app), $"The desk is not built next to the tests: {app} is missing. Build AutomationDesk.Tests first.");
        var address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(databasePath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(AppContext.BaseDirectory);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'),
            ["ConnectionStrings__Desk"] = $"Data Source={databasePath}",
            ["Bootstrap__AdminEmail"] = "admin@crash.test",
            ["Bootstrap__AdminPassword"] = "Crash-Test-1",
            ["Bootstrap__ApiKey"] = ApiKey,
            ["Http__AllowPrivateNetworks"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging__LogLevel__AutomationDesk"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var desk = new DeskProcess(process, output, address);
        try
        {
            await desk.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await desk.DisposeAsync();
            throw;
        }
        return desk;
    }

    /// <summary>An API client with the bootstrap admin's key.</summary>
    public HttpClient ApiClient()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>SIGKILL: the process ends at once, in the middle of whatever it was doing.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGTERM, what a service manager sends to stop the desk.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.True(kill.ExitCode == 0, $"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}.");
    }

    /// <summary>Waits for the process to end; false when it is still running after <paramref name="limit"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until a line of the desk's output contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan limit) =>
        Poll.UntilAsync(() => Task.FromResult(_output.Any(line => line.Contains(text, StringComparison.Ordinal))), limit,
            () => $"The desk never wrote '{text}'.{Environment.NewLine}{Output}");

    private async Task WaitUntilAnsweringAsync(TimeSpan limit)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The desk exited with code {_process.ExitCode} while starting:{Environment.NewLine}{Output}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, limit, () => $"The desk did not answer on {Address} within {limit}:{Environment.NewLine}{Output}");
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // It had already ended.
        }
        _process.Dispose();
    }
}
