using System.Text.Json.Nodes;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>Every form that asks a duration takes 2h, 15m or 1d and stores WORKFLOW-FORMAT.md's hh:mm:ss.</summary>
public sealed class DurationFieldTests : ComposeFormTest
{
    [Theory]
    [InlineData("delay", "duration")]
    [InlineData("approval", "timeout")]
    [InlineData("http.request", "timeout")]
    [InlineData("ai.prompt", "timeout")]
    [InlineData("n8n.workflow", "timeout")]
    [InlineData("comfyui.prompt", "timeout")]
    [InlineData("comfyui.prompt", "pollEvery")]
    public void A_step_config_duration_typed_as_2h_is_stored_as_hh_mm_ss(string type, string field)
    {
        var (draft, cut) = RenderForm(type);

        cut.Find($"div[data-field='steps[1].config.{field}'] input").Input("2h");

        Assert.Equal("02:00:00", (string?)draft.Config(1)[field]);
        Assert.Equal("2h", cut.Find($"div[data-field='steps[1].config.{field}'] input").GetAttribute("value"));
    }

    [Theory]
    [InlineData("retry.initialDelay", "90s", "00:01:30")]
    [InlineData("retry.maxDelay", "15m", "00:15:00")]
    [InlineData("timeout", "1h30m", "01:30:00")]
    public void Retry_delays_and_the_step_timeout_are_typed_short(string field, string typed, string stored)
    {
        var (draft, _) = RenderForm("transform");
        draft.Step(1)["retry"] = new JsonObject { ["maxAttempts"] = 3, ["backoff"] = "exponential", ["initialDelay"] = "00:00:02" };
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent<RetryFields>(r => r.Add(f => f.StepIndex, 1)));

        cut.Find($"div[data-field='steps[1].{field}'] input").Input(typed);

        var step = draft.Step(1);
        Assert.Equal(stored, field.StartsWith("retry.", StringComparison.Ordinal) ? (string?)step["retry"]![field["retry.".Length..]] : (string?)step[field]);
    }

    [Theory]
    [InlineData("""{ "type": "schedule", "schedule": { "every": "00:30:00", "timezone": "UTC" } }""", "trigger.schedule.every")]
    [InlineData("""{ "type": "schedule", "schedule": { "cron": "0 9 * * *", "timezone": "UTC" } }""", "trigger.schedule.alertAfter")]
    [InlineData("""{ "type": "webhook", "webhook": {} }""", "trigger.webhook.respondTimeout")]
    [InlineData("""{ "type": "email", "email": { "connection": "", "folder": "INBOX", "every": "00:01:00" } }""", "trigger.email.every")]
    [InlineData("""{ "type": "file", "file": { "folder": "incoming", "pattern": "*", "every": "00:00:30" } }""", "trigger.file.every")]
    public void A_trigger_duration_typed_as_2h_is_stored_as_hh_mm_ss(string trigger, string path)
    {
        var (draft, _) = RenderForm("transform");
        draft.Root["trigger"] = JsonNode.Parse(trigger);
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p.Add(c => c.Value, draft).AddChildContent<TriggerForm>());

        cut.Find($"div[data-field='{path}'] input").Input("2h");

        var segments = path.Split('.');
        Assert.Equal("02:00:00", (string?)draft.Root[segments[0]]![segments[1]]![segments[2]]);
    }

    [Fact]
    public void The_run_timeout_typed_as_10m_is_stored_and_a_stored_one_reads_short()
    {
        var (draft, _) = RenderForm("transform");
        draft.Root["settings"] = new JsonObject { ["timeout"] = "01:00:00" };
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p.Add(c => c.Value, draft).AddChildContent<WorkflowSettingsForm>());
        Assert.Equal("1h", cut.Find("div[data-field='settings.timeout'] input").GetAttribute("value"));

        cut.Find("div[data-field='settings.timeout'] input").Input("10m");

        Assert.Equal("00:10:00", (string?)draft.Root["settings"]!["timeout"]);
    }

    [Fact]
    public void A_wrong_unit_is_named_at_the_field_and_a_template_is_kept_as_typed()
    {
        var (draft, cut) = RenderForm("delay");

        cut.Find("div[data-field='steps[1].config.duration'] input").Input("15x");
        cut.WaitForAssertion(() => Assert.Contains("'15x' is not a duration: use a number and a unit", cut.Find("div[data-field='steps[1].config.duration']").TextContent, StringComparison.Ordinal));
        Assert.Equal("15x", (string?)draft.Config(1)["duration"]);

        cut.Find("div[data-field='steps[1].config.duration'] input").Input("${trigger.body.wait}");
        Assert.Equal("${trigger.body.wait}", (string?)draft.Config(1)["duration"]);
        Assert.DoesNotContain("is not a duration", cut.Find("div[data-field='steps[1].config.duration']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duration_changed_elsewhere_shows_in_the_short_form()
    {
        var (draft, cut) = RenderForm("delay");
        cut.Find("div[data-field='steps[1].config.duration'] input").Input("5m");

        draft.Config(1)["duration"] = "PT1H";
        draft.Touch();
        cut.FindComponent<AutomationDesk.Web.Components.Pages.Workflows.StepForms.DelayForm>().Render();

        cut.WaitForAssertion(() => Assert.Equal("1h", cut.Find("div[data-field='steps[1].config.duration'] input").GetAttribute("value")));
    }
}
