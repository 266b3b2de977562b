using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows.StepForms;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class StepFormTests : DeskPageTest
{
    public StepFormTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    [Fact]
    public void Every_registered_step_type_has_a_form()
    {
        var registry = Services.GetRequiredService<StepRegistry>();

        var missing = registry.All.Where(d => StepForm.FormFor(d.Name) is null).Select(d => d.Name).ToList();

        Assert.NotEmpty(registry.All);
        Assert.True(missing.Count == 0, $"Step types without a StepForms/<Type>Form.razor: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("transform", "value", "{\"greeting\": \"hi ${trigger.body.name}\"}", "{\"greeting\":\"hi ${trigger.body.name}\"}")]
    [InlineData("condition", "left", "${trigger.body.amount}", "\"${trigger.body.amount}\"")]
    [InlineData("condition", "right", "50", "50")]
    [InlineData("http.request", "url", "https://example.com/hook", "\"https://example.com/hook\"")]
    [InlineData("record.create", "collection", "payments", "\"payments\"")]
    [InlineData("record.create", "data", "{\"id\": \"${trigger.body.id}\"}", "{\"id\":\"${trigger.body.id}\"}")]
    [InlineData("notification.send", "title", "Payment ${trigger.body.id}", "\"Payment ${trigger.body.id}\"")]
    [InlineData("notification.send", "message", "Thanks", "\"Thanks\"")]
    [InlineData("delay", "duration", "00:05:00", "\"00:05:00\"")]
    [InlineData("approval", "message", "Refund ${trigger.body.amount}?", "\"Refund ${trigger.body.amount}?\"")]
    [InlineData("approval", "timeout", "1.00:00:00", "\"1.00:00:00\"")]
    public void A_step_form_renders_and_what_is_typed_lands_in_the_definition(string type, string field, string typed, string expectedJson)
    {
        var (draft, cut) = RenderForm(type);

        cut.Find($"div[data-field='steps[0].config.{field}'] textarea, div[data-field='steps[0].config.{field}'] input").Input(typed);

        Assert.Equal(expectedJson, draft.Config(0)[field]?.ToJsonString());
    }

    [Fact]
    public void Approvers_typed_with_commas_become_lists_and_an_empty_list_is_removed()
    {
        var (draft, cut) = RenderForm("approval");

        cut.Find("div[data-field='steps[0].config.approvers.roles'] input").Change("Admin, Editor");
        cut.Find("div[data-field='steps[0].config.approvers.users'] input").Change("boss@desk.test");
        Assert.Equal("""{"roles":["Admin","Editor"],"users":["boss@desk.test"]}""", draft.Config(0)["approvers"]?.ToJsonString());

        cut.Find("div[data-field='steps[0].config.approvers.roles'] input").Change("");
        cut.Find("div[data-field='steps[0].config.approvers.users'] input").Change(" ");
        Assert.False(draft.Config(0).ContainsKey("approvers"));
    }

    [Fact]
    public void A_required_field_left_empty_shows_core_s_error_at_the_field()
    {
        var (_, cut) = RenderForm("notification.send");

        cut.Find("div[data-field='steps[0].config.title'] input").Input("x");
        cut.Find("div[data-field='steps[0].config.title'] input").Input("");

        Assert.Contains("Required.", cut.Find("div[data-field='steps[0].config.title']").TextContent);
    }

    [Fact]
    public void Typing_a_template_offers_the_paths_available_at_that_step()
    {
        var (draft, cut) = RenderForm("notification.send");

        cut.Find("div[data-field='steps[0].config.title'] input").Input("Hello ${trig");
        var suggestions = cut.FindAll("[data-testid=template-suggestion]").Select(s => s.GetAttribute("data-path")).ToList();
        cut.FindAll("[data-testid=template-suggestion]").First(s => s.GetAttribute("data-path") == "trigger.body").Click();

        Assert.Contains("trigger.body", suggestions);
        Assert.Equal("Hello ${trigger.body}", draft.Config(0)["title"]!.GetValue<string>());
    }

    [Fact]
    public void Upstream_step_outputs_and_secret_names_are_offered_but_later_steps_are_not()
    {
        var draft = NewDraft();
        draft.AddStep("transform");
        draft.AddStep("notification.send");
        draft.AddStep("delay");
        var hints = TemplateHints.None with { Secrets = ["stripe"] };

        var paths = draft.TemplatePaths(1, hints);

        Assert.Contains("steps.transform.output", paths);
        Assert.Contains("secrets.stripe", paths);
        Assert.DoesNotContain("steps.delay.output", paths);
    }

    [Fact]
    public void Broken_json_in_a_json_field_is_named_and_the_config_keeps_its_value()
    {
        var (draft, cut) = RenderForm("transform");
        cut.Find("div[data-field='steps[0].config.value'] textarea").Input("{\"a\": 1}");

        cut.Find("div[data-field='steps[0].config.value'] textarea").Input("{\"a\": ");

        Assert.Contains("Not valid JSON", cut.Find("div[data-field='steps[0].config.value']").TextContent);
        Assert.Equal("{\"a\":1}", draft.Config(0)["value"]!.ToJsonString());
    }

    private WorkflowDraft NewDraft() =>
        new(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());

    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderForm(string type)
    {
        Render<MudPopoverProvider>();
        var draft = NewDraft();
        draft.AddStep(type);
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
}
