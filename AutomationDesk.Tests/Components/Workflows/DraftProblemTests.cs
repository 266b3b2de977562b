using System.Text.Json.Nodes;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>Problems in the form's words, as links to their fields; no red on an untouched form; the move-below fix.</summary>
public sealed class DraftProblemTests : DeskPageTest
{
    private readonly BunitJSModuleInterop _script;

    public DraftProblemTests()
    {
        Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);
        _script = JSInterop.SetupModule("./js/workflow-editor.js");
        _script.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void A_new_untouched_form_opens_without_red_errors()
    {
        var cut = RenderEditor();

        cut.Find("[data-testid='add-step-email.send']").Click();

        Assert.Empty(cut.FindAll("[data-testid=validation-summary]"));
        Assert.Empty(cut.FindAll(".mud-input-error"));
        Assert.DoesNotContain("Required.", cut.Markup);
    }

    [Fact]
    public void A_touched_field_shows_its_error_and_only_its_own()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid='add-step-email.send']").Click();

        cut.Find("div[data-field='steps[0].config.subject'] input").Input("x");
        cut.Find("div[data-field='steps[0].config.subject'] input").Input("");

        Assert.Contains("Required.", cut.Find("div[data-field='steps[0].config.subject']").TextContent);
        Assert.DoesNotContain("Required.", cut.Find("div[data-field='steps[0].config.to']").TextContent);
        Assert.Equal(["steps[0].config.subject"], cut.FindAll("[data-testid=problem]").Select(p => p.GetAttribute("data-target")));
    }

    [Fact]
    public void After_a_save_attempt_every_problem_reads_in_the_form_s_words()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid='add-step-notification.send']").Click();
        cut.Find("[data-testid='add-step-email.send']").Click();

        cut.Find("[data-testid=save-workflow]").Click();

        var problems = cut.FindAll("[data-testid=problem-link]").Select(l => l.TextContent.Trim()).ToList();
        Assert.Contains("Name: Required.", problems);
        Assert.Contains("Step 1 · Send notification › Title: Required.", problems);
        Assert.Contains("Step 2 · Send email › Subject: Required.", problems);
        Assert.DoesNotContain(problems, p => p.Contains("steps[", StringComparison.Ordinal));
    }

    [Fact]
    public void A_problem_s_link_targets_its_field_and_scrolls_to_it()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid='add-step-email.send']").Click();
        cut.Find("[data-testid=save-workflow]").Click();

        var link = cut.FindAll("[data-testid=problem-link]").Single(l => l.TextContent.Contains("› Subject:", StringComparison.Ordinal));
        Assert.Equal("steps[0].config.subject", link.GetAttribute("data-target"));
        Assert.NotNull(cut.Find("[data-field='steps[0].config.subject']"));
        link.Click();

        Assert.Equal("steps[0].config.subject", _script.VerifyInvoke("scrollToField").Arguments[0]);
    }

    [Fact]
    public void Invalid_json_is_the_current_problem_in_the_bar_and_the_list()
    {
        var cut = RenderEditor();

        cut.Find("[data-testid=json-editor] textarea").Change("{ \"name\": ");

        Assert.Equal("json", cut.Find("[data-testid=editor-bar] [data-testid=problem-count]").GetAttribute("data-count"));
        var link = cut.Find("[data-testid=problem-link][data-target=json]");
        Assert.Contains("JSON tab: Line 1", link.TextContent);
    }

    [Fact]
    public void A_template_naming_a_later_step_offers_to_move_the_step_below_it()
    {
        var cut = RenderEditor();
        var definition = new JsonObject
        {
            ["name"] = "Order",
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray(
                new JsonObject { ["id"] = "greet", ["type"] = "transform", ["name"] = "Greet", ["config"] = new JsonObject { ["value"] = "${steps.fetch.output}" } },
                new JsonObject { ["id"] = "fetch", ["type"] = "transform", ["name"] = "Fetch", ["config"] = new JsonObject { ["value"] = 1 } }),
        };

        cut.Find("[data-testid=json-editor] textarea").Change(definition.ToJsonString());
        var move = cut.Find("[data-testid=move-below]");
        Assert.Contains("Move this step below «Fetch»", move.TextContent);
        Assert.Contains("move this step below 'fetch'", cut.Find("[data-testid=problem-link]").TextContent);
        move.Click();

        Assert.Equal(["fetch", "greet"], cut.FindAll("[data-testid=step-card]").Select(c => c.GetAttribute("data-step-id")));
        Assert.Equal("0", cut.Find("[data-testid=problem-count]").GetAttribute("data-count"));
    }

    [Fact]
    public void Moving_a_step_with_its_own_depends_on_below_another_also_waits_for_it()
    {
        var draft = new WorkflowDraft(Services.GetRequiredService<AutomationDesk.Core.Workflows.WorkflowDefinitionReader>(), Services.GetRequiredService<AutomationDesk.Core.Steps.StepRegistry>());
        draft.Load(new JsonObject
        {
            ["name"] = "Order",
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray(
                new JsonObject { ["id"] = "greet", ["type"] = "transform", ["dependsOn"] = new JsonArray(), ["config"] = new JsonObject { ["value"] = "${steps.fetch.output}" } },
                new JsonObject { ["id"] = "fetch", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = 1 } }),
        });

        draft.MoveStepBelow(0, "fetch");

        Assert.Equal(["fetch", "greet"], draft.StepIds);
        Assert.Equal("[\"fetch\"]", draft.Step(1)["dependsOn"]!.ToJsonString());
        Assert.Empty(draft.Errors);
    }

    private IRenderedComponent<WorkflowEditor> RenderEditor()
    {
        Render<MudPopoverProvider>();
        return Render<WorkflowEditor>();
    }
}
