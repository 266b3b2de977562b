using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Graph;

public sealed class EditorGraphTests : DeskPageTest
{
    public EditorGraphTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    [Fact]
    public void The_editor_draws_the_draft_as_it_changes_and_a_click_scrolls_to_the_step_card()
    {
        Render<MudPopoverProvider>();
        var cut = Render<WorkflowEditor>();

        cut.Find("[data-testid='add-step-transform']").Click();
        cut.Find("[data-testid='add-step-condition']").Click();

        Assert.Equal(["transform", "condition"], cut.FindAll("[data-testid=graph-node]").Select(n => n.GetAttribute("data-step-id")));
        Assert.Equal("true", cut.Find("[data-testid=graph-edge]").GetAttribute("data-implicit"));
        Assert.NotNull(cut.Find("[data-testid=step-card][id=step-condition]"));

        cut.Find("[data-testid=graph-node][data-step-id=condition]").Click();

        var scroll = Assert.Single(JSInterop.Invocations, i => i.Identifier.Contains("scrollIntoView", StringComparison.Ordinal));
        Assert.Equal("[id=\"step-condition\"]", scroll.Arguments[0]);
    }
}
