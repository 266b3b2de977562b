using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows.StepForms;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Integrations;

/// <summary>The editor's forms for <c>n8n.workflow</c> and <c>comfyui.prompt</c>: found by the step type's name, and what is typed lands in the definition.</summary>
public sealed class N8nComfyUiFormTests : DeskPageTest
{
    public N8nComfyUiFormTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private async Task AddConnectionAsync(string name, string type) =>
        await Services.GetRequiredService<ConnectionStore>().CreateAsync(
            new ConnectionInput(name, type, new JsonObject { ["baseUrl"] = "http://127.0.0.1:5678" }, null), Actor.System, CancellationToken.None);

    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderForm(string type, bool showErrors = false)
    {
        Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.AddStep(type);
        if (showErrors)
        {
            draft.ShowAllErrors();
        }
        var form = StepForm.FormFor(type)!;
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent(builder =>
            {
                builder.OpenComponent(0, form);
                builder.AddAttribute(1, nameof(StepForm.StepIndex), 0);
                builder.CloseComponent();
            }));
        return (draft, cut);
    }

    [Fact]
    public void N8n_and_ComfyUi_steps_have_the_forms_the_editor_looks_for()
    {
        Assert.Equal(typeof(N8nWorkflowForm), StepForm.FormFor("n8n.workflow"));
        Assert.Equal(typeof(ComfyuiPromptForm), StepForm.FormFor("comfyui.prompt"));
    }

    [Theory]
    [InlineData("webhookPath", "order-intake", "\"order-intake\"")]
    [InlineData("url", "http://n8n.lan:5678/webhook-test/order-intake", "\"http://n8n.lan:5678/webhook-test/order-intake\"")]
    [InlineData("body", "{\"order\": \"${trigger.body}\"}", "{\"order\":\"${trigger.body}\"}")]
    [InlineData("timeout", "00:01:00", "\"00:01:00\"")]
    public void N8n_form_puts_what_is_typed_into_the_step_config(string field, string typed, string expectedJson)
    {
        var (draft, cut) = RenderForm("n8n.workflow");

        cut.Find($"div[data-field='steps[0].config.{field}'] textarea, div[data-field='steps[0].config.{field}'] input").Input(typed);

        Assert.Equal(expectedJson, draft.Config(0)[field]?.ToJsonString());
    }

    [Fact]
    public async Task N8n_form_offers_only_n8n_connections_and_the_choice_lands_in_the_config()
    {
        await AddConnectionAsync("n8n-prod", "n8n");
        await AddConnectionAsync("comfy", "comfyui");
        var (draft, cut) = RenderForm("n8n.workflow");
        var picker = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Connection");

        await cut.InvokeAsync(() => picker.Instance.OpenMenu());
        var offered = cut.FindComponents<MudSelectItem<string>>().Where(i => i.Instance.Value is "n8n-prod" or "comfy").Select(i => i.Instance.Value).ToList();
        await cut.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync("n8n-prod"));

        Assert.Equal(["n8n-prod"], offered);
        Assert.Equal("\"n8n-prod\"", draft.Config(0)["connection"]?.ToJsonString());
    }

    [Fact]
    public void N8n_form_unticking_wait_writes_false_and_ticking_it_again_removes_it()
    {
        var (draft, cut) = RenderForm("n8n.workflow");

        cut.Find("div[data-field='steps[0].config.wait'] input").Change(false);
        Assert.Equal("false", draft.Config(0)["wait"]?.ToJsonString());
        cut.Find("div[data-field='steps[0].config.wait'] input").Change(true);

        Assert.False(draft.Config(0).ContainsKey("wait"));
    }

    [Theory]
    [InlineData("workflow", "{\"6\": {\"class_type\": \"CLIPTextEncode\", \"inputs\": {\"text\": \"a fox\"}}}", "{\"6\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"a fox\"}}}")]
    [InlineData("inputs", "{\"6.inputs.text\": \"${trigger.body.prompt}\", \"3.inputs.seed\": 42}", "{\"6.inputs.text\":\"${trigger.body.prompt}\",\"3.inputs.seed\":42}")]
    [InlineData("timeout", "00:20:00", "\"00:20:00\"")]
    [InlineData("pollEvery", "00:00:02", "\"00:00:02\"")]
    public void ComfyUi_form_puts_what_is_typed_into_the_step_config(string field, string typed, string expectedJson)
    {
        var (draft, cut) = RenderForm("comfyui.prompt");

        cut.Find($"div[data-field='steps[0].config.{field}'] textarea, div[data-field='steps[0].config.{field}'] input").Input(typed);

        Assert.Equal(expectedJson, draft.Config(0)[field]?.ToJsonString());
    }

    [Fact]
    public void ComfyUi_form_shows_core_s_error_at_the_workflow_field()
    {
        var (_, cut) = RenderForm("comfyui.prompt", showErrors: true);

        // The connection picker loads its list after the first render and renders again: read the settled form.
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Required.", cut.Find("div[data-field='steps[0].config.workflow']").TextContent);
            Assert.Contains("Required.", cut.Find("div[data-field='steps[0].config.connection']").TextContent);
        });
    }
}
