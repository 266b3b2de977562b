using System.Collections.Concurrent;

namespace AutomationDesk.Tests.Crash;

/// <summary>
/// The durability promise under a real crash: the desk is SIGKILLed with runs in the middle of a step and others
/// still queued (their Hangfire jobs, in memory, die with it), then started again on the same database file.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const int Runs = 20;
    private const int Workers = 8;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-crash-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<DeskProcess> _desks = [];
    private SideEffectServer _effects = null!;

    private string DatabasePath => Path.Combine(_folder, "desk.db");

    private static Dictionary<string, string> Settings => new()
    {
        // A lease far longer than the test may take: the runs the killed desk held come back only because the
        // restarted desk sees that their worker's process has ended (its node lock is free), not because it ran out.
        ["Engine:LeaseDuration"] = "00:30:00",
        // Fewer workers than runs: some runs are mid-step at the kill, the rest still queued.
        ["Jobs:WorkerCount"] = Workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _effects = await SideEffectServer.StartAsync();
    }

    [Fact]
    public async Task Runs_killed_mid_step_each_end_Succeeded_once_and_only_the_step_in_flight_runs_again()
    {
        var desk = await StartDeskAsync();
        Guid workflowId;
        var runs = new List<Guid>();
        using (var client = desk.ApiClient())
        {
            workflowId = await ChildDeskRuns.CreateWorkflowAsync(client, _effects);
            for (var i = 0; i < Runs; i++)
            {
                runs.Add(await ChildDeskRuns.StartAsync(client, workflowId, i));
            }
            // Every worker is now inside the slow step of a run; the other runs wait in the job queue.
            await Poll.UntilAsync(() => Task.FromResult(_effects.SlowHeld == Workers), TimeSpan.FromSeconds(60),
                () => $"Expected {Workers} runs inside the slow step, saw {_effects.SlowHeld}.{Environment.NewLine}{Output()}");
        }
        var beforeKill = _effects.Snapshot();

        await desk.KillAsync();
        Assert.True(desk.HasExited);
        Assert.True(desk.ExitCode == 128 + 9, $"Expected death by SIGKILL (exit code 137), got {desk.ExitCode}.");
        _effects.ReleaseSlow();

        var restarted = await StartDeskAsync();
        using (var client = restarted.ApiClient())
        {
            var details = await ChildDeskRuns.WaitUntilFinalAsync(client, runs, TimeSpan.FromSeconds(90), Output);
            Assert.All(details, d => Assert.True((string?)d["status"] == "Succeeded", $"Run {d["id"]} ended {d["status"]}: {d["errorHuman"]}"));
            Assert.Equal(Runs, await ChildDeskRuns.CountAsync(client, workflowId));

            var interrupted = runs.Where(r => beforeKill.ContainsKey($"{r}:slow")).ToList();
            Assert.Equal(Workers, interrupted.Count);
            foreach (var run in runs)
            {
                var detail = details.Single(d => d["id"]!.GetValue<Guid>() == run);
                foreach (var step in ChildDeskRuns.StepIds)
                {
                    var arrived = _effects.Arrivals(run, step);
                    Assert.True(arrived is 1 or 2, $"Step {step} of run {run} arrived {arrived} times; at least once and at most twice.");
                }
                if (interrupted.Contains(run))
                {
                    // 'first' had finished and was checkpointed before 'slow' began: it is not repeated.
                    Assert.Equal(1, _effects.Arrivals(run, "first"));
                    // 'slow' was in flight at the kill: it runs again (at-least-once), and only once more.
                    Assert.Equal(2, _effects.Arrivals(run, "slow"));
                    Assert.Equal(2, ChildDeskRuns.Attempts(detail, "slow"));
                }
                else
                {
                    Assert.All(ChildDeskRuns.StepIds, step => Assert.Equal(1, _effects.Arrivals(run, step)));
                }
                Assert.Equal(1, _effects.Arrivals(run, "last"));
            }
        }
    }

    private async Task<DeskProcess> StartDeskAsync()
    {
        _output.Enqueue($"--- desk start {_desks.Count + 1} ---");
        var desk = await DeskProcess.StartAsync(DatabasePath, Settings, _output);
        _desks.Add(desk);
        return desk;
    }

    private string Output() => "Desk output:" + Environment.NewLine + string.Join(Environment.NewLine, _output);

    public async Task DisposeAsync()
    {
        foreach (var desk in _desks)
        {
            await desk.DisposeAsync();
        }
        await _effects.DisposeAsync();
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
