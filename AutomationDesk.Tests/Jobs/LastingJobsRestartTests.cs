using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;
using AutomationDesk.Tests.Crash;
using AutomationDesk.Web.Jobs;
using Hangfire.Storage;
using Hangfire.Storage.SQLite;

namespace AutomationDesk.Tests.Jobs;

/// <summary>
/// A desk on the default settings keeps its lasting Hangfire jobs in <c>hangfire.db</c> beside its database: a schedule's
/// recurring job, its fire history and a waiting run's timer are in the file when the desk stops, and after a restart
/// on the same folder the schedule fires again and the waiting run resumes once and Succeeds.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class LastingJobsRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-lasting-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<DeskProcess> _desks = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_schedule_and_a_delayed_wake_up_are_kept_in_hangfire_db_and_go_on_after_a_restart()
    {
        var first = await StartDeskAsync();
        var hangfireDb = Path.Combine(_folder, JobStorages.FileName);
        Assert.True(File.Exists(hangfireDb), $"The desk on the default settings made no {hangfireDb}.");
        Guid scheduleId, delayedId, run;
        int firesBefore;
        using (var client = first.ApiClient())
        {
            scheduleId = ApiAnswers.V7((await Workflows.CreateAsync(client, EveryTwoSeconds()))["id"]);
            delayedId = ApiAnswers.V7((await Workflows.CreateAsync(client, DelayThenTransform(TimeSpan.FromSeconds(45))))["id"]);
            run = await ChildDeskRuns.StartAsync(client, delayedId, 1);
            await Poll.UntilAsync(async () => (string?)(await ChildDeskRuns.DetailAsync(client, run))["status"] == "Waiting", Bound,
                () => $"The run never waited on its delay.{Environment.NewLine}{Output()}");
            await Poll.UntilAsync(async () => await ScheduleRunsAsync(client, scheduleId) >= 1, Bound,
                () => $"The schedule never fired.{Environment.NewLine}{Output()}");
        }
        await first.TerminateAsync();
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(40)), $"The desk did not stop.{Environment.NewLine}{Output()}");

        // What the stopped desk left on disk: the schedule, its fires' history and the waiting run's timer.
        using (var storage = new SQLiteStorage(hangfireDb))
        {
            using var connection = storage.GetConnection();
            Assert.Contains(connection.GetRecurringJobs(), job => job.Id == HangfireScheduleRegistry.JobId(scheduleId) && !job.Removed);
            var monitor = storage.GetMonitoringApi();
            Assert.Contains(monitor.SucceededJobs(0, 1000), job => job.Value.Job?.Type == typeof(ScheduleFireJob) && Equals(job.Value.Job.Args[0], scheduleId));
            Assert.Contains(monitor.ScheduledJobs(0, 1000), job => job.Value.Job?.Type == typeof(ExecutionWakeJob) && Equals(job.Value.Job.Args[0], run));
        }

        var second = await StartDeskAsync();
        using var restarted = second.ApiClient();
        firesBefore = await ScheduleRunsAsync(restarted, scheduleId);
        await Poll.UntilAsync(async () => await ScheduleRunsAsync(restarted, scheduleId) >= firesBefore + 2, Bound,
            () => $"The schedule did not fire again after the restart.{Environment.NewLine}{Output()}");
        using var disable = await restarted.PostAsync(new Uri($"/api/v1/workflows/{scheduleId}/disable", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        // The run's timer comes twice now (the stored one and recovery's): it resumes once.
        var detail = (await ChildDeskRuns.WaitUntilFinalAsync(restarted, [run], Bound, Output)).Single();
        Assert.True((string?)detail["status"] == "Succeeded", $"The run ended {detail["status"]}: {detail["errorHuman"]}{Environment.NewLine}{Output()}");
        Assert.Equal(1, ChildDeskRuns.Attempts(detail, "pause"));
        Assert.Equal(1, ChildDeskRuns.Attempts(detail, "after"));
        Assert.Equal("done", (string?)detail["output"]);
    }

    private static JsonObject EveryTwoSeconds() => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = Workflows.UniqueName("Every two seconds"),
        ["trigger"] = new JsonObject { ["type"] = "schedule", ["schedule"] = new JsonObject { ["cron"] = "*/2 * * * * *", ["overlap"] = "allow" } },
        ["steps"] = new JsonArray { new JsonObject { ["id"] = "say", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "tick" } } },
    };

    private static JsonObject DelayThenTransform(TimeSpan delay) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = Workflows.UniqueName("Wait, then finish"),
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray
        {
            new JsonObject { ["id"] = "pause", ["type"] = "delay", ["config"] = new JsonObject { ["duration"] = delay.ToString("c", System.Globalization.CultureInfo.InvariantCulture) } },
            new JsonObject { ["id"] = "after", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "done" } },
        },
    };

    private static async Task<int> ScheduleRunsAsync(HttpClient client, Guid workflowId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/executions?workflowId={workflowId}&status=Succeeded&pageSize=1", UriKind.Relative));
        return (await response.JsonAsync(HttpStatusCode.OK))["total"]!.GetValue<int>();
    }

    private async Task<DeskProcess> StartDeskAsync()
    {
        _output.Enqueue($"--- desk start {_desks.Count + 1} ---");
        var desk = await DeskProcess.StartAsync(Path.Combine(_folder, "desk.db"), new Dictionary<string, string>(), _output);
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
