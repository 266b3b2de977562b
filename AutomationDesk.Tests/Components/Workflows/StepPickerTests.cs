using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class StepPickerTests : DeskPageTest
{
    private readonly List<string> _picked = [];

    [Fact]
    public void The_step_types_are_grouped_by_category_in_the_picker_s_order()
    {
        var cut = RenderPicker(openWhenEmpty: true);

        Assert.Equal(["Flow", "Data", "Integrations", "People"], cut.FindAll("[data-testid=step-group]").Select(g => g.GetAttribute("data-category")));
        Assert.NotNull(cut.Find("[data-testid=step-group][data-category=Flow] [data-testid='add-step-delay']"));
        Assert.NotNull(cut.Find("[data-testid=step-group][data-category=People] [data-testid='add-step-email.send']"));
    }

    [Fact]
    public void Each_choice_shows_its_one_line_summary()
    {
        var cut = RenderPicker(openWhenEmpty: true);

        Assert.Contains("Sends an email through an SMTP connection.", cut.Find("[data-testid='add-step-email.send']").TextContent);
    }

    [Fact]
    public void Searching_keeps_the_types_whose_name_label_or_summary_match()
    {
        var cut = RenderPicker(openWhenEmpty: true);

        cut.Find("[data-testid=step-search] input").Input("approves");

        Assert.Equal(["add-step-approval"], cut.FindAll("[data-testid^='add-step-']").Select(b => b.GetAttribute("data-testid")));
        cut.Find("[data-testid=step-search] input").Input("email");
        Assert.Contains("add-step-email.send", cut.FindAll("[data-testid^='add-step-']").Select(b => b.GetAttribute("data-testid")));
        Assert.DoesNotContain("add-step-delay", cut.FindAll("[data-testid^='add-step-']").Select(b => b.GetAttribute("data-testid")));
    }

    [Fact]
    public void A_search_that_matches_nothing_says_so()
    {
        var cut = RenderPicker(openWhenEmpty: true);

        cut.Find("[data-testid=step-search] input").Input("teleport");

        Assert.Contains("No step type matches", cut.Find("[data-testid=step-picker-empty]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=step-group]"));
    }

    [Fact]
    public void Choosing_a_type_adds_it_and_enter_adds_the_first_match()
    {
        var cut = RenderPicker(openWhenEmpty: true);

        cut.Find("[data-testid='add-step-transform']").Click();
        cut.Find("[data-testid=step-search] input").Input("wait until a person");
        cut.Find("[data-testid=step-picker-panel] div").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal(["transform", "approval"], _picked);
    }

    [Fact]
    public void A_workflow_with_steps_shows_an_add_button_that_opens_the_picker_and_escape_closes_it()
    {
        var cut = RenderPicker(openWhenEmpty: false);
        Assert.Empty(cut.FindAll("[data-testid=step-picker-panel]"));

        cut.Find("[data-testid=add-step]").Click();
        Assert.NotNull(cut.Find("[data-testid=step-search]"));
        cut.Find("[data-testid=step-picker-panel] div").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        Assert.Empty(cut.FindAll("[data-testid=step-picker-panel]"));
    }

    [Fact]
    public void The_editor_adds_the_step_picked()
    {
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<WorkflowEditor>();

        cut.Find("[data-testid=step-search] input").Input("delay");
        cut.Find("[data-testid='add-step-delay']").Click();

        Assert.Equal(["delay"], cut.FindAll("[data-testid=step-card]").Select(c => c.GetAttribute("data-step-id")));
    }

    private IRenderedComponent<StepPicker> RenderPicker(bool openWhenEmpty) => Render<StepPicker>(p => p
        .Add(c => c.OpenWhenEmpty, openWhenEmpty)
        .Add(c => c.Picked, EventCallback.Factory.Create<string>(this, type => _picked.Add(type))));
}
