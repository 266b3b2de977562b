using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Schedules;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Schedules;

/// <summary>Email and file triggers on the schedules page, beside cron schedules.</summary>
public sealed class PolledTriggerRowTests : DeskPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public PolledTriggerRowTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private async Task<Guid> SaveAsync(string name, JsonObject trigger)
    {
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = name,
            ["trigger"] = trigger,
            ["steps"] = new JsonArray { new JsonObject { ["id"] = "say", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "hi" } } },
        };
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(definition.ToJsonString(), Actor.User("admin@desk.test"), CancellationToken.None);
        return saved["id"]!.GetValue<Guid>();
    }

    private static JsonObject FileTrigger() => new()
    {
        ["type"] = "file",
        ["file"] = new JsonObject { ["folder"] = "incoming", ["pattern"] = "*.csv", ["every"] = "00:00:30", ["then"] = "move" },
    };

    private static JsonObject EmailTrigger() => new()
    {
        ["type"] = "email",
        ["email"] = new JsonObject { ["connection"] = "inbox", ["folder"] = "INBOX", ["every"] = "00:01:00" },
    };

    private IRenderedComponent<ScheduleList> RenderLoaded(int rows)
    {
        var page = Render<ScheduleList>();
        page.WaitForAssertion(() => Assert.Equal(rows, page.FindAll("[data-testid=schedule-row]").Count), Patience);
        return page;
    }

    private AngleSharp.Dom.IElement Row(IRenderedComponent<ScheduleList> page, string kind) => page.Find($"[data-testid=schedule-row][data-kind={kind}]");

    [Fact]
    public async Task Email_and_file_triggers_show_beside_schedules_with_their_kind_source_and_next_poll()
    {
        await SaveAsync("Mail in", EmailTrigger());
        await SaveAsync("Drop folder", FileTrigger());
        await SaveAsync("Nightly", new JsonObject { ["type"] = "schedule", ["schedule"] = new JsonObject { ["cron"] = "0 2 * * *" } });

        var page = RenderLoaded(3);

        var email = Row(page, "email");
        Assert.Contains("inbox · INBOX", email.TextContent, StringComparison.Ordinal);
        Assert.Contains("Every minute: each new message in INBOX of 'inbox' starts a run, then is marked seen", email.TextContent, StringComparison.Ordinal);
        Assert.Contains("No message taken yet", email.TextContent, StringComparison.Ordinal);
        Assert.Single(email.QuerySelectorAll("[data-testid=next-runs] div"));
        Assert.Empty(email.QuerySelectorAll("[data-testid=run-now]"));
        var file = Row(page, "file");
        Assert.Contains("incoming/*.csv", file.TextContent, StringComparison.Ordinal);
        Assert.Contains("then is moved to processed/", file.TextContent, StringComparison.Ordinal);
        Assert.NotNull(Row(page, "schedule").QuerySelector("[data-testid=run-now]"));
    }

    [Fact]
    public async Task A_failing_poll_shows_its_error_and_a_taken_file_its_name_without_a_reload()
    {
        var id = await SaveAsync("Drop folder", FileTrigger());
        var page = RenderLoaded(1);
        await using (var db = NewDb())
        {
            db.TriggerPolls.Add(new TriggerPoll { WorkflowId = id, Kind = "file", Source = "incoming", LastError = "The folder 'incoming' under Files:Root cannot be read: denied", ConsecutiveFailures = 3 });
            await db.SaveChangesAsync();
        }

        await Services.GetRequiredService<ScheduleActions>().SetPausedAsync(id, true, Actor.User("someone@desk.test"), CancellationToken.None);

        page.WaitForAssertion(() => Assert.Contains("cannot be read: denied (3 polls in a row)", page.Find("[data-testid=poll-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("true", Row(page, "file").GetAttribute("data-paused"));
    }

    [Fact]
    public async Task Pause_on_a_file_trigger_pauses_it_and_resume_brings_it_back()
    {
        var id = await SaveAsync("Drop folder", FileTrigger());
        var page = RenderLoaded(1);

        page.Find("[data-testid=pause]").Click();

        page.WaitForAssertion(() => Assert.Equal("true", Row(page, "file").GetAttribute("data-paused")), Patience);
        await using (var db = NewDb())
        {
            Assert.True((await db.ScheduleStates.SingleAsync(s => s.WorkflowId == id)).Paused);
        }
        page.Find("[data-testid=resume]").Click();
        page.WaitForAssertion(() => Assert.Equal("false", Row(page, "file").GetAttribute("data-paused")), Patience);
    }
}
