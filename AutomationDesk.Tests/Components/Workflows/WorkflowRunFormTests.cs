using AutomationDesk.Web.Components.Pages.Workflows.StepForms;
using Bunit;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class WorkflowRunFormTests : ComposeFormTest
{
    [Fact]
    public async Task A_workflow_picked_by_name_lands_as_its_id_with_a_link_to_open_it()
    {
        await SaveWorkflowAsync("Notify on-call");
        var wanted = await SaveWorkflowAsync("Charge card");
        var (draft, cut) = RenderForm("workflow.run");

        await PickWorkflowAsync(cut, "Charge");

        Assert.Equal(wanted.ToString(), (string)draft.Config(1)["workflowId"]!);
        Assert.Equal($"workflows/{wanted}", cut.Find("[data-testid=workflow-picker-open]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=workflow-picker-self]"));
    }

    [Fact]
    public void Without_a_workflow_core_s_error_shows_at_the_picker()
    {
        var (draft, cut) = RenderForm("workflow.run");

        draft.ShowAllErrors();
        cut.Find("div[data-field='steps[1].config.input'] textarea").Input("");

        Assert.Contains("Required.", cut.Find("div[data-field='steps[1].config.workflowId']").TextContent);
    }

    [Fact]
    public async Task Input_and_wait_land_in_the_definition_and_the_wait_hint_follows_the_switch()
    {
        var (draft, cut) = RenderForm("workflow.run");

        cut.Find("div[data-field='steps[1].config.input'] textarea").Input("""{ "orderId": "${trigger.body.id}" }""");
        Assert.Contains("takes the sub-workflow's output", cut.Find("[data-testid=workflow-run-wait-hint]").TextContent);
        var wait = cut.FindComponent<MudSwitch<bool>>();
        await cut.InvokeAsync(() => wait.Instance.ValueChanged.InvokeAsync(false));

        Assert.Equal("""{"input":{"orderId":"${trigger.body.id}"},"wait":false}""", draft.Config(1).ToJsonString());
        Assert.Contains("goes on at once", cut.Find("[data-testid=workflow-run-wait-hint]").TextContent);
        await cut.InvokeAsync(() => wait.Instance.ValueChanged.InvokeAsync(true));
        Assert.False(draft.Config(1).ContainsKey("wait"));
    }

    [Fact]
    public async Task A_workflow_that_runs_itself_is_allowed_with_a_warning()
    {
        var self = await SaveWorkflowAsync("Walk tree");
        var (draft, cut) = RenderForm("workflow.run", editing: self);

        await PickWorkflowAsync(cut, "Walk tree");

        Assert.Equal(self.ToString(), (string)draft.Config(1)["workflowId"]!);
        Assert.Contains("runs itself", cut.Find("[data-testid=workflow-picker-self]").TextContent);
        Assert.Null(draft.ErrorAt("steps[1].config.workflowId"));
    }

    [Fact]
    public void A_workflow_id_the_desk_does_not_have_is_shown_as_missing()
    {
        var (draft, cut) = RenderForm("workflow.run");

        draft.Config(1)["workflowId"] = Guid.NewGuid().ToString();
        draft.Touch();
        cut.FindComponent<WorkflowRunForm>().Render();

        Assert.Contains("No saved workflow has this id", cut.Find("[data-testid=workflow-picker-missing]").TextContent);
    }
}
