using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.Extensions.DependencyInjection;
using Bunit;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>The editor's <c>${</c> suggestions offer the desk's global variables beside the workflow's own.</summary>
public sealed class GlobalVarSuggestionTests : DeskPageTest
{
    public GlobalVarSuggestionTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    [Fact]
    public void Global_and_workflow_vars_are_offered_once_each_with_the_fields_of_an_object()
    {
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.AddStep("transform");
        draft.Root["settings"] = new JsonObject { ["vars"] = new JsonObject { ["region"] = "us-east", ["own"] = 1 } };
        var hints = TemplateHints.None with
        {
            GlobalVars = new Dictionary<string, JsonNode?> { ["region"] = "eu-west", ["team"] = new JsonObject { ["channel"] = "#ops" } },
        };

        var paths = draft.TemplatePaths(0, hints);

        Assert.Single(paths, p => p == "vars.region");
        Assert.Contains("vars.own", paths);
        Assert.Contains("vars.team", paths);
        Assert.Contains("vars.team.channel", paths);
    }

    [Fact]
    public async Task Typing_vars_in_the_editor_offers_a_global_variable()
    {
        await Services.GetRequiredService<DeskSettings>().ChangeAsync("vars.support_email", "help@desk.test", Actor.System, CancellationToken.None);
        Render<MudPopoverProvider>();
        var cut = Render<WorkflowEditor>();
        cut.Find("[data-testid='add-step-notification.send']").Click();

        cut.Find("div[data-field='steps[0].config.title'] input").Input("Write to ${vars.");

        var suggestions = cut.FindAll("[data-testid=template-suggestion]").Select(s => s.GetAttribute("data-path")).ToList();
        Assert.Contains("vars.support_email", suggestions);
    }
}
