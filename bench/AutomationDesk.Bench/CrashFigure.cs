using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Bench;

internal sealed record CrashRecovery(int Runs, int InStepAtKill, double ReadyMs, long RecoverMs, int Recovered, double QueuedFinishedMs, double AllFinishedMs, int NotSucceeded);

/// <summary>
/// (6) A real crash: the desk runs as a child process (<c>dotnet AutomationDesk.Web.dll</c>, copied next to the bench by
/// its project reference), has <c>runs</c> runs in flight (as many as it has workers inside a step held by a local
/// server, the rest queued) and is SIGKILLed. It is started again on the same database file and timed from process
/// start: until it answers (recovery runs before it listens), and until every run has Succeeded. The runs held
/// at the kill are timed apart: their lease (Engine:LeaseDuration, the app's default of 2 minutes here) does not
/// hold them back, because the restarted desk sees that the killed process has ended and takes them back at once.
/// </summary>
internal static class CrashFigure
{
    private const string ApiKey = "bench-crash-key-0123456789";
    private const string LeaseDuration = "00:02:00";

    public static async Task<CrashRecovery> MeasureAsync(int runs)
    {
        var folder = Path.Combine(Path.GetTempPath(), "automationdesk-bench", "crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        var remote = WebApplication.CreateSlimBuilder();
        remote.Logging.ClearProviders();
        remote.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var server = remote.Build();
        server.MapPost("/hold", async (HttpContext http) =>
        {
            Interlocked.Increment(ref held);
            try
            {
                await released.Task.WaitAsync(http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The desk died mid-request.
            }
            finally
            {
                Interlocked.Decrement(ref held);
            }
            return Results.Ok();
        });
        await server.StartAsync();
        var holdUrl = server.Urls.Single() + "/hold";
        try
        {
            Guid workflowId;
            int inStep;
            using (var desk = ChildDesk.Start(folder))
            {
                using var client = await desk.ReadyClientAsync();
                workflowId = await CreateWorkflowAsync(client, holdUrl);
                await Parallel.ForEachAsync(Enumerable.Range(0, runs), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                {
                    using var response = await client.PostAsJsonAsync($"/api/v1/workflows/{workflowId}/execute", new { customer = $"c{i}" }, ct);
                    response.EnsureSuccessStatusCode();
                });
                while (Volatile.Read(ref held) < ChildDesk.Workers)
                {
                    await Task.Delay(50);
                }
                inStep = Volatile.Read(ref held);
                desk.Kill();
            }
            released.TrySetResult();

            var start = Stopwatch.GetTimestamp();
            using var restarted = ChildDesk.Start(folder);
            using var api = await restarted.ReadyClientAsync();
            var readyMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var queuedFinishedMs = 0.0;
            while (true)
            {
                var succeeded = await CountAsync(api, workflowId, "Succeeded");
                if (queuedFinishedMs == 0 && succeeded >= runs - inStep)
                {
                    queuedFinishedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
                if (succeeded == runs || Stopwatch.GetElapsedTime(start) > TimeSpan.FromMinutes(2))
                {
                    break;
                }
                await Task.Delay(20);
            }
            var allFinishedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var notSucceeded = runs - await CountAsync(api, workflowId, "Succeeded");
            var (recovered, recoverMs) = restarted.RecoveryLine();
            return new CrashRecovery(runs, inStep, readyMs, recoverMs, recovered, queuedFinishedMs, allFinishedMs, notSucceeded);
        }
        finally
        {
            await server.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open only leaves a temp folder behind.
            }
        }
    }

    private static async Task<Guid> CreateWorkflowAsync(HttpClient client, string holdUrl)
    {
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = "bench: crash",
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray(
                new JsonObject { ["id"] = "call", ["type"] = "http.request", ["config"] = new JsonObject { ["method"] = "POST", ["url"] = holdUrl } },
                new JsonObject { ["id"] = "shape", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = new JsonObject { ["customer"] = "${trigger.body.customer}" } } }),
        };
        using var response = await client.PostAsync("/api/v1/workflows", new StringContent(definition.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<int> CountAsync(HttpClient client, Guid workflowId, string status)
    {
        var page = await client.GetFromJsonAsync<JsonObject>($"/api/v1/executions?workflowId={workflowId}&status={status}&pageSize=1");
        return page!["total"]!.GetValue<int>();
    }

    /// <summary>The desk as a child process over the bench's database file, with its console kept.</summary>
    private sealed class ChildDesk : IDisposable
    {
        public const int Workers = 8;

        private readonly Process _process;
        private readonly List<string> _output = [];
        private readonly Uri _address;

        private ChildDesk(Process process, Uri address)
        {
            _process = process;
            _address = address;
        }

        public static ChildDesk Start(string folder)
        {
            var port = FreePort();
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AutomationDesk.Web.dll"));
            start.ArgumentList.Add("--contentRoot");
            start.ArgumentList.Add(AppContext.BaseDirectory);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["ConnectionStrings__Desk"] = $"Data Source={Path.Combine(folder, "desk.db")}";
            start.Environment["Bootstrap__AdminPassword"] = "Bench-Crash-1";
            start.Environment["Bootstrap__ApiKey"] = ApiKey;
            start.Environment["Http__AllowPrivateNetworks"] = "true";
            start.Environment["Engine__LeaseDuration"] = LeaseDuration;
            start.Environment["Jobs__WorkerCount"] = Workers.ToString(CultureInfo.InvariantCulture);
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__AutomationDesk"] = "Information";
            var process = new Process { StartInfo = start };
            var desk = new ChildDesk(process, new Uri($"http://127.0.0.1:{port}/"));
            process.OutputDataReceived += (_, e) => desk.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => desk.Keep(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return desk;
        }

        public async Task<HttpClient> ReadyClientAsync()
        {
            var client = new HttpClient { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 90;
            while (true)
            {
                if (_process.HasExited || Stopwatch.GetTimestamp() > until)
                {
                    throw new InvalidOperationException("The desk did not start:" + Environment.NewLine + Output());
                }
                try
                {
                    using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (response.IsSuccessStatusCode)
                    {
                        return client;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(10);
            }
        }

        /// <summary>What ExecutionRecovery logged: how many runs it handed back, and in how many ms.</summary>
        public (int Count, long Ms) RecoveryLine()
        {
            var line = Output().Split(Environment.NewLine).LastOrDefault(l => l.Contains("open executions back", StringComparison.Ordinal)) ?? "";
            var numbers = System.Text.RegularExpressions.Regex.Matches(line, @"\d+").Select(m => long.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
            return numbers.Count >= 2 ? ((int)numbers[^2], numbers[^1]) : (-1, -1);
        }

        public void Kill()
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }

        private string Output()
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.Add(line);
                }
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            _process.Dispose();
        }
    }
}
