using System.Text.Json.Nodes;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>The schedule trigger's form: cron or interval, time-zone suggestions, cron presets.</summary>
public sealed class ScheduleTriggerFieldsTests : ComposeFormTest
{
    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderSchedule(string schedule)
    {
        var (draft, _) = RenderForm("transform");
        draft.Root["trigger"] = JsonNode.Parse($$"""{ "type": "schedule", "schedule": {{schedule}} }""");
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p.Add(c => c.Value, draft).AddChildContent<TriggerForm>());
        return (draft, cut);
    }

    private static JsonObject Schedule(WorkflowDraft draft) => draft.Trigger["schedule"]!.AsObject();

    [Fact]
    public async Task Cron_and_interval_are_one_choice_and_switching_back_restores_what_was_typed()
    {
        var (draft, cut) = RenderSchedule("""{ "cron": "0 9 * * 1-5", "timezone": "UTC" }""");
        Assert.NotNull(cut.Find("div[data-field='trigger.schedule.cron']"));
        Assert.Empty(cut.FindAll("div[data-field='trigger.schedule.every']"));

        await cut.Find("[data-testid=schedule-mode-interval]").ClickAsync(new());

        Assert.Null(Schedule(draft)["cron"]);
        Assert.Equal("01:00:00", (string?)Schedule(draft)["every"]);
        Assert.Empty(cut.FindAll("div[data-field='trigger.schedule.cron']"));
        cut.Find("div[data-field='trigger.schedule.every'] input").Input("15m");
        Assert.Equal("00:15:00", (string?)Schedule(draft)["every"]);
        cut.WaitForAssertion(() => Assert.Equal("Every 15 minutes", cut.Find("[data-testid=schedule-words]").TextContent));

        await cut.Find("[data-testid=schedule-mode-cron]").ClickAsync(new());

        Assert.Equal("0 9 * * 1-5", (string?)Schedule(draft)["cron"]);
        Assert.Null(Schedule(draft)["every"]);
        Assert.DoesNotContain(draft.Errors.Keys, k => k.StartsWith("trigger", StringComparison.Ordinal));
    }

    [Fact]
    public void An_interval_schedule_opens_on_the_interval_choice()
    {
        var (_, cut) = RenderSchedule("""{ "every": "00:30:00", "timezone": "UTC" }""");

        Assert.Equal("30m", cut.Find("div[data-field='trigger.schedule.every'] input").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=cron-preset]"));
    }

    [Fact]
    public async Task A_preset_fills_the_cron_field_and_the_preview_follows()
    {
        var (draft, cut) = RenderSchedule("""{ "cron": "0 9 * * 1-5", "timezone": "UTC" }""");

        var presets = cut.FindAll("[data-testid=cron-preset]");
        Assert.Equal(CronPresets.All.Count, presets.Count);
        await presets.Single(p => p.TextContent.Contains("Every hour", StringComparison.Ordinal)).ClickAsync(new());

        Assert.Equal("0 * * * *", (string?)Schedule(draft)["cron"]);
        cut.WaitForAssertion(() => Assert.Equal("0 * * * *", cut.Find("div[data-field='trigger.schedule.cron'] input").GetAttribute("value")));
        cut.WaitForAssertion(() => Assert.Equal("At minute 0 of every hour every day (UTC)", cut.Find("[data-testid=schedule-words]").TextContent));
    }

    [Fact]
    public async Task The_time_zone_is_suggested_as_it_is_typed_matching_any_part_of_the_id()
    {
        var (draft, cut) = RenderSchedule("""{ "cron": "0 9 * * *", "timezone": "UTC" }""");

        cut.Find("div[data-field='trigger.schedule.timezone'] input").Input("new york");

        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Contains("America/New_York", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        Assert.All(Popovers.FindAll(".mud-popover-open .mud-list-item"), i => Assert.Contains("new york", i.TextContent.Replace('_', ' '), StringComparison.OrdinalIgnoreCase));
        await Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains("America/New_York", StringComparison.Ordinal)).ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("America/New_York", (string?)Schedule(draft)["timezone"]), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Contains("(America/New_York)", cut.Find("[data-testid=schedule-words]").TextContent, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("berlin", "Europe/Berlin")]
    [InlineData("EUROPE/BER", "Europe/Berlin")]
    [InlineData("los angeles", "America/Los_Angeles")]
    [InlineData("utc", "UTC")]
    public void Time_zones_match_case_insensitively_on_any_part(string typed, string expected)
    {
        var found = TimeZoneNames.Matching(typed).ToList();

        Assert.Contains(expected, found);
        Assert.All(found, id => Assert.Contains(typed, id.Replace('_', ' '), StringComparison.OrdinalIgnoreCase));
    }
}
