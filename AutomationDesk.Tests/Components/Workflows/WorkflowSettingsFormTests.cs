using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class WorkflowSettingsFormTests : ComposeFormTest
{
    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderSettings()
    {
        var (draft, _) = RenderForm("transform");
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent<WorkflowSettingsForm>());
        return (draft, cut);
    }

    [Fact]
    public async Task The_error_workflow_is_chosen_by_name_and_written_to_settings_on_failure()
    {
        var pager = await SaveWorkflowAsync("Page on-call");
        var (draft, cut) = RenderSettings();

        await PickWorkflowAsync(cut, "Page on-call", "settings.onFailure.workflowId");

        cut.WaitForAssertion(() => Assert.Equal(pager.ToString(), (string?)draft.Root["settings"]?["onFailure"]?["workflowId"]), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(draft.Errors.Keys, k => k.StartsWith("settings", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timeout_and_notifications_land_in_settings_and_emptying_them_removes_the_settings_object()
    {
        var (draft, cut) = RenderSettings();

        cut.Find("div[data-field='settings.timeout'] input").Input("00:10:00");
        var notify = cut.FindComponent<MudSelect<string>>();
        await cut.InvokeAsync(() => notify.Instance.SelectedValuesChanged.InvokeAsync(["failed", "started"]));

        Assert.Equal("00:10:00", (string?)draft.Root["settings"]!["timeout"]);
        Assert.Equal("""["started","failed"]""", draft.Root["settings"]!["notifyOn"]!.ToJsonString());

        cut.Find("div[data-field='settings.timeout'] input").Input("");
        await cut.InvokeAsync(() => notify.Instance.SelectedValuesChanged.InvokeAsync([]));

        Assert.Null(draft.Root["settings"]);
    }

    [Fact]
    public void A_bad_timeout_is_shown_at_the_field()
    {
        var (draft, cut) = RenderSettings();

        cut.Find("div[data-field='settings.timeout'] input").Input("ten minutes");

        // The text is kept as typed, so Core refuses it too; the field says which forms it takes.
        Assert.False(string.IsNullOrEmpty(draft.ErrorAt("settings.timeout")));
        cut.WaitForAssertion(() => Assert.Contains("'ten minutes' is not a duration", cut.Find("div[data-field='settings.timeout']").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Days_to_keep_runs_land_in_settings_a_bad_number_is_shown_at_the_field_and_emptying_removes_it()
    {
        var (draft, cut) = RenderSettings();

        cut.Find("div[data-field='settings.retentionDays'] input").Change("365");
        Assert.Equal(365, (int)draft.Root["settings"]!["retentionDays"]!);
        Assert.Null(draft.ErrorAt("settings.retentionDays"));

        cut.Find("div[data-field='settings.retentionDays'] input").Change("0");
        var error = draft.ErrorAt("settings.retentionDays");
        Assert.Contains("1 to 3650", error, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Contains(error!, cut.Find("div[data-field='settings.retentionDays']").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        cut.Find("div[data-field='settings.retentionDays'] input").Change("a year");
        Assert.NotNull(draft.ErrorAt("settings.retentionDays"));

        cut.Find("div[data-field='settings.retentionDays'] input").Change("");
        Assert.Null(draft.Root["settings"]);
    }
}
