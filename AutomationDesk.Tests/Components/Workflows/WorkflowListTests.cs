using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class WorkflowListTests : DeskPageTest
{
    public WorkflowListTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private WorkflowStore Store => Services.GetRequiredService<WorkflowStore>();

    [Fact]
    public void With_no_workflows_the_list_says_how_to_make_one()
    {
        var cut = RenderList();

        Assert.Contains("New workflow", cut.Find("[data-testid=empty-state]").TextContent);
    }

    [Fact]
    public async Task Search_finds_workflows_by_name_or_description()
    {
        await SeedAsync(("Stripe payments", ["billing"], true), ("GitHub issues", ["dev"], true));
        var cut = RenderList();

        cut.Find("[data-testid=workflow-search] input").Input("stripe");

        await cut.WaitForAssertionAsync(() => Assert.Equal(["Stripe payments"], Names(cut)));
    }

    [Fact]
    public async Task A_tag_chip_shows_only_the_workflows_with_that_tag()
    {
        await SeedAsync(("Stripe payments", ["billing"], true), ("Invoices", ["billing", "mail"], true), ("GitHub issues", ["dev"], true));
        var cut = RenderList();

        cut.Find("[data-testid=tag-chip][data-tag=billing]").Click();

        Assert.Equal(["Invoices", "Stripe payments"], Names(cut).Order());
    }

    [Fact]
    public async Task The_enabled_filter_shows_only_disabled_ones_when_asked()
    {
        await SeedAsync(("On", [], true), ("Off", [], false));
        var cut = RenderList();

        cut.Find("[data-testid=enabled-off]").Click();

        Assert.Equal(["Off"], Names(cut));
    }

    [Fact]
    public async Task Filters_that_match_nothing_say_so_and_offer_to_clear_them()
    {
        await SeedAsync(("Only one", [], true));
        var cut = RenderList();

        cut.Find("[data-testid=workflow-search] input").Input("nothing like this");

        await cut.WaitForAssertionAsync(() => Assert.Contains("Nothing matches", cut.Find("[data-testid=empty-state]").TextContent));
    }

    [Fact]
    public async Task More_workflows_than_a_page_are_paged()
    {
        await SeedAsync(Enumerable.Range(1, WorkflowList.PageSize + 3).Select(i => ($"Workflow {i:00}", Array.Empty<string>(), true)).ToArray());

        var cut = RenderList();

        Assert.Equal(WorkflowList.PageSize, cut.FindAll("[data-testid=workflow-row]").Count);
        Assert.NotEmpty(cut.FindAll("[data-testid=workflow-pages]"));
    }

    [Fact]
    public async Task Running_a_workflow_from_the_list_shows_its_last_run_succeed_live()
    {
        await SeedAsync(("Greeter", [], true));
        var dialogs = Render<MudDialogProvider>();
        var cut = RenderList();
        Assert.Contains("never run", cut.Find("[data-testid=last-run]").TextContent);

        cut.Find("[data-testid=run-workflow]").Click();
        await dialogs.WaitForElement("[data-testid=run-start]").ClickAsync(new());
        await RunQueuedAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(nameof(ExecutionStatus.Succeeded), cut.Find("[data-testid=last-run] [data-testid=run-status]").GetAttribute("data-status")));
        Assert.Equal("100% of 1", cut.Find("[data-testid=success-rate]").TextContent);
    }

    [Fact]
    public async Task Disabling_duplicating_and_deleting_with_confirmation_change_the_list()
    {
        await SeedAsync(("Original", [], true));
        var cut = RenderList();

        cut.Find("[data-testid=duplicate-workflow]").Click();
        await cut.WaitForAssertionAsync(() => Assert.Equal(["Original", "Original (copy)"], Names(cut).Order()));

        cut.FindAll("[data-testid=workflow-row]").Single(r => r.TextContent.Contains("(copy)", StringComparison.Ordinal)).QuerySelector("[data-testid=delete-workflow]")!.Click();
        Assert.Equal(2, Names(cut).Count);
        cut.Find("[data-testid=confirm-delete]").Click();
        await cut.WaitForAssertionAsync(() => Assert.Equal(["Original"], Names(cut)));

        cut.Find("[data-testid=enabled-switch] input").Change(false);
        await cut.WaitForAssertionAsync(() =>
        {
            using var db = NewDb();
            Assert.False(db.Workflows.Single().Enabled);
        });
    }

    [Fact]
    public async Task A_viewer_sees_the_list_without_actions()
    {
        await SeedAsync(("Look only", [], true));
        Auth.SetRoles("Viewer");
        Auth.SetPolicies(DeskPolicies.Read);

        var cut = RenderList();

        Assert.Equal(["Look only"], Names(cut));
        Assert.Empty(cut.FindAll("[data-testid=run-workflow]"));
        Assert.Empty(cut.FindAll("[data-testid=new-workflow]"));
    }

    private async Task SeedAsync(params (string Name, string[] Tags, bool Enabled)[] workflows)
    {
        foreach (var (name, tags, enabled) in workflows)
        {
            await Store.CreateAsync(Drafts.Greeting(name, tags, enabled), Actor.System, CancellationToken.None);
        }
    }

    private IRenderedComponent<WorkflowList> RenderList()
    {
        Render<MudPopoverProvider>();
        return Render<WorkflowList>();
    }

    private static List<string> Names(IRenderedComponent<WorkflowList> cut) =>
        cut.FindAll("[data-testid=workflow-name]").Select(n => n.TextContent.Trim()).ToList();
}
