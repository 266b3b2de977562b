using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.DeadLetters;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>Several dead letters at once: select, read each one's plan, confirm, read each one's outcome.</summary>
public sealed class DeadLetterBatchTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private async Task<IRenderedComponent<DeadLetterList>> ListWithAllSelectedAsync(int count)
    {
        var cut = Render<DeadLetterList>();
        cut.WaitForAssertion(() => Assert.Equal(count, cut.FindAll("[data-testid=dead-letter-link]").Count), Patience);
        // The header's checkbox selects every row of the page.
        await cut.Find("thead input[type=checkbox]").ChangeAsync(new() { Value = true });
        cut.WaitForAssertion(() => Assert.Equal($"{count} selected", cut.Find("[data-testid=selected-count]").TextContent), Patience);
        return cut;
    }

    [Fact]
    public async Task Resume_selected_shows_each_plan_first_then_each_new_run()
    {
        var first = await RunToEndAsync(await SaveFailingWorkflowAsync("Export A"));
        var second = await RunToEndAsync(await SaveFailingWorkflowAsync("Export B"));
        var cut = await ListWithAllSelectedAsync(2);

        await cut.Find("[data-testid=resume-selected]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.All(cut.FindAll("[data-testid=batch-plan]"), p => Assert.Contains("Runs again: broken", p.TextContent, StringComparison.Ordinal)), Patience);
        Assert.Equal(2, cut.FindAll("[data-testid=batch-plan]").Count);
        await using (var db = NewDb())
        {
            Assert.False(await db.Executions.AnyAsync(e => e.ParentExecutionId != null)); // nothing runs before Confirm
        }

        await cut.Find("[data-testid=batch-confirm]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=batch-new-run]").Count), Patience);
        await using var after = NewDb();
        Assert.Equal([first.Id, second.Id], (await after.Executions.Where(e => e.ParentExecutionId != null).Select(e => e.ParentExecutionId!.Value).ToListAsync()).Order());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=dead-letter-link]")), Patience);
    }

    [Fact]
    public async Task Discard_selected_takes_them_all_off_the_list()
    {
        var first = await RunToEndAsync(await SaveFailingWorkflowAsync("Old A"));
        var second = await RunToEndAsync(await SaveFailingWorkflowAsync("Old B"));
        var cut = await ListWithAllSelectedAsync(2);

        await cut.Find("[data-testid=discard-selected]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("nothing runs", cut.Find("[data-testid=batch-plan]").TextContent, StringComparison.Ordinal), Patience);
        await cut.Find("[data-testid=batch-confirm]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.All(cut.FindAll("[data-testid=batch-outcome]"), o => Assert.Equal("yes", o.GetAttribute("data-ok"))), Patience);
        await using var db = NewDb();
        Assert.All(await db.Executions.Where(e => e.Id == first.Id || e.Id == second.Id).ToListAsync(), e => Assert.Equal(DeadLetterOutcomes.Discarded, e.DeadLetterOutcome));
    }

    [Fact]
    public async Task The_search_and_page_are_in_the_address_and_restored_from_it()
    {
        await RunToEndAsync(await SaveFailingWorkflowAsync("Invoices"));
        await RunToEndAsync(await SaveFailingWorkflowAsync("Reports"));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("dead-letters?q=Invoices");

        var cut = Render<DeadLetterList>();

        cut.WaitForAssertion(() => Assert.Equal(["Invoices"], cut.FindAll("[data-testid=dead-letter-link]").Select(a => a.TextContent)), Patience);
        await cut.Find("input[data-testid=dead-letter-search], [data-testid=dead-letter-search] input").InputAsync(new() { Value = "Reports" });
        cut.WaitForAssertion(() => Assert.Equal(["Reports"], cut.FindAll("[data-testid=dead-letter-link]").Select(a => a.TextContent)), Patience);
        cut.WaitForAssertion(() => Assert.Equal("?q=Reports", new Uri(navigation.Uri).Query), Patience);
    }
}
