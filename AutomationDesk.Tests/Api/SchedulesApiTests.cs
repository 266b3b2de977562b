using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Web.Jobs;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class SchedulesApiTests(DeskApp desk)
{
    public static JsonObject Schedule(string name, string cron, string overlap = "skip") => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = name,
        ["trigger"] = new JsonObject
        {
            ["type"] = "schedule",
            ["schedule"] = new JsonObject { ["cron"] = cron, ["timezone"] = "Europe/Berlin", ["overlap"] = overlap },
        },
        ["steps"] = new JsonArray { new JsonObject { ["id"] = "say", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "${trigger.scheduledAt}" } } },
    };

    private async Task<Guid> CreateAsync(JsonObject definition) => ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, definition))["id"]);

    private async Task<JsonObject> ListedAsync(Guid workflowId, string name) =>
        (await desk.Viewer.GetPageAsync($"/api/v1/schedules?q={Uri.EscapeDataString(name)}")).Single(s => (string)s!["workflowId"]! == workflowId.ToString())!.AsObject();

    private bool IsRegistered(Guid workflowId)
    {
        using var connection = desk.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().Any(j => j.Id == HangfireScheduleRegistry.JobId(workflowId) && !j.Removed);
    }

    [Fact]
    public async Task A_six_field_cron_fires_through_the_job_server_within_a_second_of_its_due_time()
    {
        var name = Workflows.UniqueName("Every two seconds");
        var id = await CreateAsync(Schedule(name, "*/2 * * * * *", overlap: "allow"));
        Assert.True(IsRegistered(id));

        JsonNode? run = null;
        var clock = Stopwatch.StartNew();
        while (run is null && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var runs = await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={id}&trigger=schedule&status=Succeeded");
            run = runs.FirstOrDefault();
            if (run is null)
            {
                await Task.Delay(100);
            }
        }
        using var disable = await desk.Editor.PostAsync($"/api/v1/workflows/{id}/disable", null);

        Assert.True(run is not null, "No scheduled run succeeded within 30 seconds.");
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/executions/{run["id"]}");
        var input = detail["trigger"]!["input"]!;
        var scheduledAt = input["scheduledAt"]!.GetValue<DateTimeOffset>();
        var firedAt = input["firedAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(0, scheduledAt.Second % 2);
        Assert.Equal(0, scheduledAt.Millisecond);
        Assert.InRange(firedAt - scheduledAt, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal((string)input["scheduledAt"]!, (string)detail["output"]!);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.False(IsRegistered(id));
    }

    [Fact]
    public async Task The_list_shows_each_schedule_in_words_with_its_next_runs_and_searches_by_name()
    {
        var name = Workflows.UniqueName("Weekday report");
        var id = await CreateAsync(Schedule(name, "0 9 * * 1-5"));
        await CreateAsync(Workflows.SaveCustomer(Workflows.UniqueName("Weekday manual"), "manual-schedules"));

        var listed = await ListedAsync(id, name);
        var onlyThis = await desk.Viewer.GetPageAsync($"/api/v1/schedules?q={Uri.EscapeDataString(name)}");

        Assert.Single(onlyThis);
        Assert.Equal(name, (string)listed["workflowName"]!);
        Assert.Equal("0 9 * * 1-5", (string)listed["expression"]!);
        Assert.Equal("At 09:00 on Monday–Friday (Europe/Berlin)", (string)listed["description"]!);
        Assert.Equal("Europe/Berlin", (string)listed["timeZone"]!);
        Assert.False((bool)listed["paused"]!);
        Assert.Equal(0, (int)listed["missedLastWeek"]!);
        Assert.Null(listed["lastRun"]);
        var next = listed["nextRuns"]!.AsArray();
        Assert.Equal(5, next.Count);
        Assert.All(next, n => Assert.Equal(9, n!["at"]!.GetValue<DateTimeOffset>().Hour));
    }

    [Fact]
    public async Task Pause_and_resume_are_audited_and_take_the_recurring_job_away_and_back()
    {
        var name = Workflows.UniqueName("Pausable");
        var id = await CreateAsync(Schedule(name, "0 3 * * *"));

        var paused = await desk.Editor.PostJsonAsync($"/api/v1/schedules/{id}/pause", new { }, HttpStatusCode.OK);
        var registeredWhilePaused = IsRegistered(id);
        var listedPaused = await ListedAsync(id, name);
        var resumed = await desk.Editor.PostJsonAsync($"/api/v1/schedules/{id}/resume", new { }, HttpStatusCode.OK);

        Assert.True((bool)paused["paused"]!);
        Assert.Empty(paused["nextRuns"]!.AsArray());
        Assert.False(registeredWhilePaused);
        Assert.True((bool)listedPaused["paused"]!);
        Assert.False((bool)resumed["paused"]!);
        Assert.True(IsRegistered(id));
        var trail = await desk.Viewer.GetPageAsync($"/api/v1/audit?action=schedule&target={Uri.EscapeDataString($"workflow:{id}")}");
        Assert.Equal(["schedule.pause", "schedule.resume"], trail.Select(a => (string)a!["action"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_now_starts_a_schedule_run_at_once()
    {
        var name = Workflows.UniqueName("Run me now");
        var id = await CreateAsync(Schedule(name, "0 0 1 1 *"));

        using var response = await desk.Editor.PostAsync($"/api/v1/schedules/{id}/run-now", null);
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);

        var executionId = ApiAnswers.V7(accepted["executionId"]);
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/executions/{executionId}");
        Assert.Equal("schedule", (string)detail["trigger"]!["kind"]!);
        Assert.True((bool)detail["trigger"]!["input"]!["runNow"]!);
    }

    [Fact]
    public async Task Unknown_workflows_and_workflows_that_are_not_schedules_are_not_found()
    {
        var manual = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Not a schedule"), "not-schedules")))["id"]);

        foreach (var id in new[] { Guid.CreateVersion7(), manual })
        {
            foreach (var action in new[] { "pause", "resume", "run-now" })
            {
                using var response = await desk.Editor.PostAsync($"/api/v1/schedules/{id}/{action}", null);
                var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
                Assert.Contains(id.ToString(), (string)problem["detail"]!, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_viewer_sees_schedules_but_cannot_pause_resume_or_run_them()
    {
        var name = Workflows.UniqueName("Watched by a viewer");
        var id = await CreateAsync(Schedule(name, "0 4 * * *"));

        var listed = await ListedAsync(id, name);
        var answers = new List<HttpStatusCode>();
        foreach (var action in new[] { "pause", "resume", "run-now" })
        {
            using var response = await desk.Viewer.PostAsync($"/api/v1/schedules/{id}/{action}", null);
            answers.Add(response.StatusCode);
        }

        Assert.False((bool)listed["paused"]!);
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Forbidden, status));
        Assert.False((bool)(await ListedAsync(id, name))["paused"]!);
    }

    [Fact]
    public async Task Paging_values_out_of_range_are_named()
    {
        using var response = await desk.Viewer.GetAsync("/api/v1/schedules?pageSize=501");

        await response.ProblemAsync(HttpStatusCode.BadRequest, "pageSize");
    }
}
