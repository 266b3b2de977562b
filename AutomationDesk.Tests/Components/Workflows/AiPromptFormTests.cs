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

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class AiPromptFormTests : DeskPageTest
{
    private IRenderedComponent<MudPopoverProvider> _popovers = null!;

    public AiPromptFormTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    [Fact]
    public void Ai_form_fields_land_in_the_definition_with_numbers_kept_as_numbers()
    {
        var (draft, cut) = RenderForm();

        cut.Find("div[data-field='steps[0].config.model'] input").Input("gpt-4o");
        cut.Find("div[data-field='steps[0].config.system'] textarea").Input("You are terse.");
        cut.Find("div[data-field='steps[0].config.prompt'] textarea").Input("Summarise ${trigger.body}");
        cut.Find("div[data-field='steps[0].config.temperature'] input").Input("0.2");
        cut.Find("div[data-field='steps[0].config.maxTokens'] input").Input("400");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "prompt": "Summarise ${trigger.body}", "model": "gpt-4o", "system": "You are terse.", "temperature": 0.2, "maxTokens": 400 }
            """), draft.Config(0)), draft.Config(0).ToJsonString());
    }

    [Fact]
    public async Task Ai_form_offers_the_ai_connections_and_the_default_and_a_choice_lands_in_the_definition()
    {
        var store = Services.GetRequiredService<ConnectionStore>();
        await store.CreateAsync(new ConnectionInput("openai-main", "openai", new JsonObject { ["baseUrl"] = "https://api.openai.com/v1", ["model"] = "gpt-4o-mini" }, null), Actor.System, CancellationToken.None);
        await store.CreateAsync(new ConnectionInput("claude", "anthropic", new JsonObject { ["model"] = "claude-sonnet-4-5" },
            new Dictionary<string, string?> { ["apiKey"] = "k" }), Actor.System, CancellationToken.None);
        var (draft, cut) = RenderForm();
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Connection");

        await cut.InvokeAsync(() => select.Instance.OpenMenu());
        _popovers.WaitForAssertion(() => Assert.Equal(3, _popovers.FindAll(".mud-popover-open .mud-list-item").Count), TimeSpan.FromSeconds(10));
        var options = _popovers.FindAll(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim()).ToList();
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("claude"));

        Assert.Equal(["Default connection", "claude", "openai-main"], options);
        Assert.Equal("claude", (string)draft.Config(0)["connection"]!);
    }

    [Fact]
    public async Task Ai_form_shows_the_schema_only_for_json_answers_and_drops_it_when_text_is_chosen_again()
    {
        var (draft, cut) = RenderForm();
        var format = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Answer as");
        Assert.Empty(cut.FindAll("div[data-field='steps[0].config.schema']"));

        await cut.InvokeAsync(() => format.Instance.ValueChanged.InvokeAsync(AiPromptConfig.JsonFormat));
        cut.Find("div[data-field='steps[0].config.schema'] textarea").Input("""{ "type": "object", "required": ["summary"] }""");
        Assert.Equal("json", (string)draft.Config(0)["responseFormat"]!);
        Assert.Equal("""{"type":"object","required":["summary"]}""", draft.Config(0)["schema"]!.ToJsonString());

        await cut.InvokeAsync(() => format.Instance.ValueChanged.InvokeAsync(AiPromptConfig.Text));
        Assert.Empty(cut.FindAll("div[data-field='steps[0].config.schema']"));
        Assert.False(draft.Config(0).ContainsKey("schema"));
        Assert.False(draft.Config(0).ContainsKey("responseFormat"));
    }

    [Fact]
    public void Ai_form_shows_core_s_error_at_a_temperature_out_of_range()
    {
        var (_, cut) = RenderForm();

        cut.Find("div[data-field='steps[0].config.temperature'] input").Input("7");

        Assert.Contains("Between 0 and 2", cut.Find("div[data-field='steps[0].config.temperature']").TextContent, StringComparison.Ordinal);
    }

    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderForm()
    {
        _popovers = Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.AddStep(AiPromptStep.TypeName);
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent(builder =>
            {
                builder.OpenComponent(0, typeof(AiPromptForm));
                builder.AddAttribute(1, nameof(StepForm.StepIndex), 0);
                builder.CloseComponent();
            }));
        return (draft, cut);
    }
}
