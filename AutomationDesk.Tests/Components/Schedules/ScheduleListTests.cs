using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Schedules;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Schedules;

public sealed class ScheduleListTests : DeskPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public ScheduleListTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private async Task<Guid> SaveScheduleAsync(string name, string cron = "0 9 * * 1-5", string timezone = "Europe/Berlin")
    {
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = name,
            ["trigger"] = new JsonObject { ["type"] = "schedule", ["schedule"] = new JsonObject { ["cron"] = cron, ["timezone"] = timezone } },
            ["steps"] = new JsonArray { new JsonObject { ["id"] = "say", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "hi" } } },
        };
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(definition.ToJsonString(), Actor.User("admin@desk.test"), CancellationToken.None);
        return saved["id"]!.GetValue<Guid>();
    }

    private IRenderedComponent<ScheduleList> RenderLoaded(int rows)
    {
        var page = Render<ScheduleList>();
        page.WaitForAssertion(() => Assert.Equal(rows, page.FindAll("[data-testid=schedule-row]").Count), Patience);
        return page;
    }

    [Fact]
    public void With_no_schedules_the_page_says_how_to_make_one()
    {
        var page = Render<ScheduleList>();

        page.WaitForAssertion(() => Assert.Contains("workflow editor", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Each_schedule_shows_its_cron_in_words_its_zone_and_its_next_five_runs()
    {
        var id = await SaveScheduleAsync("Weekday report");

        var page = RenderLoaded(1);

        var row = page.Find("[data-testid=schedule-row]");
        Assert.Equal(id.ToString(), row.GetAttribute("data-workflow"));
        Assert.Equal($"workflows/{id}", page.Find("[data-testid=workflow-link]").GetAttribute("href"));
        Assert.Equal("At 09:00 on Monday–Friday (Europe/Berlin)", page.Find("[data-testid=schedule-words]").TextContent);
        Assert.Contains("Europe/Berlin", row.TextContent, StringComparison.Ordinal);
        Assert.Equal(5, page.Find("[data-testid=next-runs]").QuerySelectorAll("div").Length);
        Assert.Contains("Not run yet", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=active-chip]"));
    }

    [Fact]
    public async Task Pause_pauses_the_schedule_and_resume_brings_it_back()
    {
        var id = await SaveScheduleAsync("Nightly export", "0 2 * * *");
        var page = RenderLoaded(1);

        page.Find("[data-testid=pause]").Click();

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=schedule-row]").GetAttribute("data-paused")), Patience);
        Assert.NotNull(page.Find("[data-testid=paused-chip]"));
        await using (var db = NewDb())
        {
            Assert.True((await db.ScheduleStates.SingleAsync(s => s.WorkflowId == id)).Paused);
            Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "schedule.pause" && a.Target == $"workflow:{id}" && a.Actor == "admin@desk.test"));
        }

        page.Find("[data-testid=resume]").Click();

        page.WaitForAssertion(() => Assert.Equal("false", page.Find("[data-testid=schedule-row]").GetAttribute("data-paused")), Patience);
    }

    [Fact]
    public async Task A_viewer_sees_schedules_without_pause_resume_or_run_now()
    {
        Auth.SetPolicies(DeskPolicies.Read);
        await SaveScheduleAsync("Read only");

        var page = RenderLoaded(1);

        Assert.Empty(page.FindAll("[data-testid=pause]"));
        Assert.Empty(page.FindAll("[data-testid=resume]"));
        Assert.Empty(page.FindAll("[data-testid=run-now]"));
    }

    [Fact]
    public async Task A_pause_made_elsewhere_shows_without_a_reload()
    {
        var id = await SaveScheduleAsync("Watched");
        var page = RenderLoaded(1);

        await Services.GetRequiredService<ScheduleActions>().SetPausedAsync(id, true, Actor.User("someone@desk.test"), CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=schedule-row]").GetAttribute("data-paused")), Patience);
    }

    [Fact]
    public async Task Run_now_starts_a_run_and_its_result_shows_as_the_last_run()
    {
        await SaveScheduleAsync("On demand");
        var page = RenderLoaded(1);

        page.Find("[data-testid=run-now]").Click();
        await RunQueuedAsync();

        page.WaitForAssertion(() => Assert.Equal(nameof(ExecutionStatus.Succeeded), page.Find("[data-testid=run-status]").GetAttribute("data-status")), Patience);
        await using var db = NewDb();
        var run = await db.Executions.SingleAsync();
        Assert.Equal($"executions/{run.Id}", page.Find("[data-testid=last-run-link]").GetAttribute("href"));
    }

    [Fact]
    public async Task Run_now_toasts_a_link_that_opens_the_new_run()
    {
        await SaveScheduleAsync("Linked");
        var toasts = Render<MudBlazor.MudSnackbarProvider>();
        var page = RenderLoaded(1);

        page.Find("[data-testid=run-now]").Click();

        toasts.WaitForAssertion(() => Assert.Contains("'Linked' started", toasts.Find(".mud-snackbar").TextContent, StringComparison.Ordinal), Patience);
        await toasts.Find(".mud-snackbar-action-button").ClickAsync(new());
        await using var db = NewDb();
        var run = await db.Executions.SingleAsync();
        Assert.EndsWith($"/executions/{run.Id}", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_narrows_the_list_by_workflow_name()
    {
        await SaveScheduleAsync("Invoice reminder");
        await SaveScheduleAsync("Backup");
        var page = RenderLoaded(2);

        page.Find("input[data-testid=search]").Change("invoice");

        page.WaitForAssertion(() => Assert.Contains("Invoice reminder", Assert.Single(page.FindAll("[data-testid=schedule-row]")).TextContent, StringComparison.Ordinal), Patience);
    }
}
