using System.Collections.Concurrent;

namespace AutomationDesk.Tests.Crash;

/// <summary>
/// SIGTERM stops the desk gracefully: no new work is taken, running steps get <c>Engine:ShutdownGrace</c> to finish,
/// and what is still running after that is cancelled with its lease released, so the next start runs it at once.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class GracefulShutdownTests : IAsyncLifetime
{
    /// <summary>Long enough that a lease left behind would make the restarted desk wait far beyond every bound here.</summary>
    private const string LongLease = "00:10:00";

    private static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(20);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-shutdown-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<DeskProcess> _desks = [];
    private SideEffectServer _effects = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _effects = await SideEffectServer.StartAsync();
    }

    [Fact]
    public async Task A_step_that_ends_within_the_grace_period_finishes_and_its_run_completes_before_exit()
    {
        var grace = TimeSpan.FromSeconds(20);
        var (desk, workflowId, run) = await StartRunInSlowStepAsync(grace);

        await desk.TerminateAsync();
        await desk.WaitForOutputAsync("Application is shutting down", TimeSpan.FromSeconds(15));
        _effects.ReleaseSlow();
        Assert.True(await desk.WaitForExitAsync(grace + ExitMargin), $"The desk did not exit within the grace period.{Environment.NewLine}{Output()}");
        Assert.True(desk.ExitCode == 0, $"A graceful stop exits with code 0, not {desk.ExitCode}.{Environment.NewLine}{Output()}");
        // The run went on after SIGTERM: the slow step finished and the last step ran before the desk exited.
        Assert.Equal(1, _effects.Arrivals(run, "last"));

        var restarted = await StartDeskAsync(grace);
        using var client = restarted.ApiClient();
        var detail = await ChildDeskRuns.DetailAsync(client, run);
        Assert.True((string?)detail["status"] == "Succeeded", $"The run is {detail["status"]}.{Environment.NewLine}{Output()}");
        Assert.Equal(1, ChildDeskRuns.Attempts(detail, "slow"));
        Assert.All(ChildDeskRuns.StepIds, step => Assert.Equal(1, _effects.Arrivals(run, step)));
        Assert.Equal(1, await ChildDeskRuns.CountAsync(client, workflowId));
    }

    [Fact]
    public async Task A_step_that_outlasts_the_grace_period_is_cancelled_and_runs_again_at_once_on_the_next_start()
    {
        var grace = TimeSpan.FromSeconds(2);
        var (desk, workflowId, run) = await StartRunInSlowStepAsync(grace);

        await desk.TerminateAsync();
        Assert.True(await desk.WaitForExitAsync(grace + ExitMargin), $"The desk did not exit within the grace period.{Environment.NewLine}{Output()}");
        Assert.True(desk.ExitCode == 0, $"A graceful stop exits with code 0, not {desk.ExitCode}.{Environment.NewLine}{Output()}");
        Assert.Equal(0, _effects.Arrivals(run, "last"));
        _effects.ReleaseSlow();

        // The lease is ten minutes long: only a released lease lets the run finish within this bound.
        var restarted = await StartDeskAsync(grace);
        using var client = restarted.ApiClient();
        var detail = (await ChildDeskRuns.WaitUntilFinalAsync(client, [run], TimeSpan.FromSeconds(60), Output)).Single();
        Assert.True((string?)detail["status"] == "Succeeded", $"The run ended {detail["status"]}: {detail["errorHuman"]}");
        Assert.Equal(1, _effects.Arrivals(run, "first"));
        Assert.Equal(2, _effects.Arrivals(run, "slow"));
        Assert.Equal(2, ChildDeskRuns.Attempts(detail, "slow"));
        Assert.Equal(1, _effects.Arrivals(run, "last"));
        Assert.Equal(1, await ChildDeskRuns.CountAsync(client, workflowId));
    }

    private async Task<(DeskProcess Desk, Guid WorkflowId, Guid Run)> StartRunInSlowStepAsync(TimeSpan grace)
    {
        var desk = await StartDeskAsync(grace);
        using var client = desk.ApiClient();
        var workflowId = await ChildDeskRuns.CreateWorkflowAsync(client, _effects);
        var run = await ChildDeskRuns.StartAsync(client, workflowId, 1);
        await Poll.UntilAsync(() => Task.FromResult(_effects.SlowHeld == 1), TimeSpan.FromSeconds(60),
            () => $"The run never reached the slow step.{Environment.NewLine}{Output()}");
        return (desk, workflowId, run);
    }

    private async Task<DeskProcess> StartDeskAsync(TimeSpan grace)
    {
        _output.Enqueue($"--- desk start {_desks.Count + 1} ---");
        var settings = new Dictionary<string, string>
        {
            ["Engine:LeaseDuration"] = LongLease,
            ["Engine:ShutdownGrace"] = grace.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        };
        var desk = await DeskProcess.StartAsync(Path.Combine(_folder, "desk.db"), settings, _output);
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
