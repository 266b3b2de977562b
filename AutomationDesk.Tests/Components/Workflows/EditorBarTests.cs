using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>Nothing lost: the bar that stays in view, the question before leaving unsaved changes, and Ctrl+S.</summary>
public sealed class EditorBarTests : DeskPageTest
{
    private const string Script = "./js/workflow-editor.js";
    private readonly BunitJSModuleInterop _script;

    public EditorBarTests()
    {
        Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);
        _script = JSInterop.SetupModule(Script);
        _script.Mode = JSRuntimeMode.Loose;
    }

    private WorkflowStore Store => Services.GetRequiredService<WorkflowStore>();

    private BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    [Fact]
    public void The_bar_counts_the_draft_s_problems_and_says_when_there_are_none()
    {
        var cut = RenderEditor();

        Assert.Equal("2", cut.Find("[data-testid=editor-bar] [data-testid=problem-count]").GetAttribute("data-count"));
        cut.Find("div[data-field='name'] input").Input("Bar");
        cut.Find("[data-testid='add-step-delay']").Click();
        cut.Find("div[data-field='steps[0].config.duration'] input").Input("00:00:01");

        Assert.Equal("0", cut.Find("[data-testid=editor-bar] [data-testid=problem-count]").GetAttribute("data-count"));
        Assert.Contains("No problems", cut.Find("[data-testid=editor-bar]").TextContent);
    }

    [Fact]
    public void The_bar_holds_save_test_run_and_dry_run()
    {
        var cut = RenderEditor();

        var bar = cut.Find("[data-testid=editor-bar]");

        Assert.NotNull(bar.QuerySelector("[data-testid=save-workflow]"));
        Assert.NotNull(bar.QuerySelector("[data-testid=bar-test-run]"));
        Assert.NotNull(bar.QuerySelector("[data-testid=bar-dry-run]"));
        Assert.Contains("position: sticky", bar.GetAttribute("style"));
    }

    [Fact]
    public async Task The_bar_s_dry_run_starts_the_test_panel_s_run()
    {
        var id = await SavedAsync("Dry from the bar");
        var cut = RenderEditor(id);

        cut.Find("[data-testid=bar-dry-run]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=test-result] [data-testid=dry-run-chip]")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_bar_s_test_run_of_a_draft_with_problems_shows_them_all()
    {
        var cut = RenderEditor();

        cut.Find("[data-testid=bar-test-run]").Click();

        Assert.Contains("Name: Required.", cut.Find("[data-testid=validation-summary]").TextContent);
    }

    [Fact]
    public void Leaving_with_unsaved_changes_asks_and_staying_keeps_the_page()
    {
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderEditor();
        cut.Find("div[data-field='name'] input").Input("Half done");

        Navigation.NavigateTo("/workflows");
        dialogs.WaitForAssertion(() => Assert.Contains("Leave without saving?", dialogs.Markup), TimeSpan.FromSeconds(10));
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Stay", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Equal(NavigationState.Prevented, Navigation.History.First().State), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Leaving_anyway_after_the_question_goes()
    {
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderEditor();
        cut.Find("div[data-field='name'] input").Input("Half done");

        Navigation.NavigateTo("/workflows");
        dialogs.WaitForAssertion(() => Assert.Contains("Leave without saving?", dialogs.Markup), TimeSpan.FromSeconds(10));
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Leave without saving", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Equal(NavigationState.Succeeded, Navigation.History.First().State), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_opened_workflow_with_no_changes_leaves_without_a_question()
    {
        var dialogs = Render<MudDialogProvider>();
        var id = await SavedAsync("Untouched");
        var cut = RenderEditor(id);
        Assert.Empty(cut.FindAll("[data-testid=unsaved]"));

        Navigation.NavigateTo("/workflows");

        cut.WaitForAssertion(() => Assert.Equal(NavigationState.Succeeded, Navigation.History.First().State), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("Leave without saving?", dialogs.Markup);
    }

    [Fact]
    public void The_editor_listens_for_ctrl_s_through_its_script()
    {
        var cut = RenderEditor();

        var listen = _script.VerifyInvoke("listenForSave");

        Assert.IsType<DotNetObjectReference<WorkflowEditor>>(listen.Arguments[0]);
        Assert.Same(cut.Instance, ((DotNetObjectReference<WorkflowEditor>)listen.Arguments[0]!).Value);
    }

    [Fact]
    public async Task Ctrl_s_saves_the_draft()
    {
        var id = await SavedAsync("Before");
        var cut = RenderEditor(id);
        cut.Find("div[data-field='name'] input").Input("After Ctrl+S");
        Assert.NotEmpty(cut.FindAll("[data-testid=unsaved]"));

        await cut.InvokeAsync(cut.Instance.SaveFromKeyboardAsync);

        var saved = await Store.GetAsync(id, CancellationToken.None);
        Assert.Equal("After Ctrl+S", saved!["name"]!.GetValue<string>());
        Assert.Equal(2, saved["version"]!.GetValue<int>());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=unsaved]")));
    }

    [Fact]
    public async Task Json_that_does_not_parse_is_unsaved_work_that_ctrl_s_refuses_and_leaving_asks_about()
    {
        var dialogs = Render<MudDialogProvider>();
        var id = await SavedAsync("Kept");
        var cut = RenderEditor(id);
        cut.Find("[data-testid=json-editor] textarea").Change("{ \"name\": \"Typed\", ");

        await cut.InvokeAsync(cut.Instance.SaveFromKeyboardAsync);
        var stored = await Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(1, stored!["version"]!.GetValue<int>());

        Navigation.NavigateTo("/workflows");
        dialogs.WaitForAssertion(() => Assert.Contains("Leave without saving?", dialogs.Markup), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_viewer_gets_no_ctrl_s_listener()
    {
        Auth.SetPolicies(DeskPolicies.Read);

        RenderEditor();

        Assert.DoesNotContain(_script.Invocations, i => i.Identifier == "listenForSave");
    }

    private async Task<Guid> SavedAsync(string name)
    {
        var saved = await Store.CreateAsync(Drafts.Greeting(name), Actor.System, CancellationToken.None);
        return saved["id"]!.GetValue<Guid>();
    }

    private IRenderedComponent<WorkflowEditor> RenderEditor(Guid? id = null)
    {
        Render<MudPopoverProvider>();
        return Render<WorkflowEditor>(p => p.Add(c => c.Id, id));
    }
}
