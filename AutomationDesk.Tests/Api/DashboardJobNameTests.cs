using System.Text.Json.Nodes;
using AutomationDesk.Web.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace AutomationDesk.Tests.Api;

/// <summary>Hangfire's dashboard names a run's job and a schedule's job by the workflow, not by ids; toasts sit at the bottom.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class DashboardJobNameTests(DeskApp desk)
{
    private static JsonObject Manual(string name) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = name,
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray { new JsonObject { ["id"] = "say", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "hello" } } },
    };

    /// <summary>
    /// The Hangfire job that carried a run, in the run storage. The run can be final a moment before its job leaves
    /// Processing for Succeeded, and a job read between the two lists is in neither: both are read again until it shows
    /// (up to 10 s). The desk is
    /// shared by many test classes, so every succeeded job is searched, not only the newest few hundred.
    /// </summary>
    private async Task<string> JobOfAsync(Guid executionId)
    {
        var monitor = desk.Services.GetRequiredService<RunJobStorage>().Storage.GetMonitoringApi();
        for (var attempt = 0; ; attempt++)
        {
            var succeeded = (int)Math.Max(monitor.SucceededListCount(), 1);
            var jobs = monitor.ProcessingJobs(0, 500).Select(j => (j.Key, j.Value.Job))
                .Concat(monitor.SucceededJobs(0, succeeded).Select(j => (j.Key, j.Value.Job)));
            var found = jobs.FirstOrDefault(j => j.Job?.Type == typeof(ExecutionJob) && j.Job.Args.OfType<Guid>().FirstOrDefault() == executionId).Key;
            if (found is not null || attempt == 100)
            {
                return found ?? throw new InvalidOperationException($"No processing or succeeded Hangfire job carries run {executionId}.");
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_runs_job_is_named_by_its_workflow_on_the_dashboard()
    {
        var name = Workflows.UniqueName("Daily report");
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Manual(name)))["id"]);
        var run = await Workflows.RunAsync(desk.Editor, workflowId, new { });

        var page = await desk.Admin.GetStringAsync($"{RunJobStorage.DashboardPath}/jobs/details/{await JobOfAsync(ApiAnswers.V7(run["id"]))}");

        Assert.Contains($"Run: {name}", page, StringComparison.Ordinal);
        Assert.DoesNotContain("ExecutionJob.ExecuteAsync", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schedules_recurring_job_is_named_by_its_workflow_on_the_dashboard()
    {
        var name = Workflows.UniqueName("Nightly export");
        await Workflows.CreateAsync(desk.Editor, SchedulesApiTests.Schedule(name, "0 3 * * *"));

        var page = await desk.Admin.GetStringAsync("/hangfire/recurring?from=0&count=1000");

        Assert.Contains($"Schedule: {name}", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Toasts_show_at_the_bottom_right_away_from_save_and_the_bell()
    {
        var toasts = desk.Services.GetRequiredService<IOptions<SnackbarConfiguration>>().Value;

        Assert.Equal(Defaults.Classes.Position.BottomRight, toasts.PositionClass);
    }
}
