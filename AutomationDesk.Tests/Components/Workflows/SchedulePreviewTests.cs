using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class SchedulePreviewTests : DeskPageTest
{
    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderTrigger(string schedule)
    {
        Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.Root["name"] = "Scheduled";
        draft.Root["trigger"] = JsonNode.Parse($$"""{ "type": "schedule", "schedule": {{schedule}} }""");
        draft.AddStep("transform");
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent<TriggerForm>());
        return (draft, cut);
    }

    [Fact]
    public void The_schedule_shows_in_words_with_its_next_ten_runs_and_marks_the_days_the_clocks_change()
    {
        // Sundays of March and October at 02:30 in Berlin: the last Sunday of each is a daylight-saving day, and any
        // ten of these fires take in a whole month of them.
        var (_, cut) = RenderTrigger("""{ "cron": "30 2 * 3,10 0", "timezone": "Europe/Berlin" }""");

        var runs = cut.FindAll("[data-testid=schedule-next-run]");
        Assert.Equal("At 02:30 on Sunday in month 3,10 (Europe/Berlin)", cut.Find("[data-testid=schedule-preview] [data-testid=schedule-words]").TextContent);
        Assert.Equal(SchedulePreview.RunCount, runs.Count);
        Assert.Contains(runs, r => r.GetAttribute("data-dst") == "true");
        Assert.Contains(runs, r => r.GetAttribute("data-dst") == "false");
        Assert.All(runs.Where(r => r.GetAttribute("data-dst") == "true"), r => Assert.Contains("clocks change", r.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void The_preview_follows_the_cron_as_it_is_typed_and_a_wrong_one_is_named_at_its_field()
    {
        var (_, cut) = RenderTrigger("""{ "cron": "0 9 * * 1-5", "timezone": "UTC" }""");
        Assert.Equal("At 09:00 on Monday–Friday (UTC)", cut.Find("[data-testid=schedule-preview] [data-testid=schedule-words]").TextContent);

        cut.Find("div[data-field='trigger.schedule.cron'] input").Input("*/15 * * * *");
        cut.WaitForAssertion(() => Assert.Equal("Every 15 minutes every day (UTC)", cut.Find("[data-testid=schedule-preview] [data-testid=schedule-words]").TextContent));

        cut.Find("div[data-field='trigger.schedule.cron'] input").Input("61 * * * *");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=schedule-preview-empty]")));
        Assert.Contains("not a valid cron", cut.Find("div[data-field='trigger.schedule.cron']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_time_zone_empties_the_preview_and_is_named_at_its_field()
    {
        var (_, cut) = RenderTrigger("""{ "cron": "0 9 * * *", "timezone": "Mars/Olympus" }""");

        Assert.NotNull(cut.Find("[data-testid=schedule-preview-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=schedule-next-run]"));
        Assert.Contains("Unknown time zone", cut.Find("div[data-field='trigger.schedule.timezone']").TextContent, StringComparison.Ordinal);
    }
}
