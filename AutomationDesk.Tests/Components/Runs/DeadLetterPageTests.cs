using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.DeadLetters;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class DeadLetterPageTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_failed_run_appears_live_and_resume_shows_the_plan_then_starts_a_child_run()
    {
        var cut = Render<DeadLetterList>();
        cut.WaitForAssertion(() => Assert.Contains("No dead letters", cut.Markup), Patience);

        var failed = await RunToEndAsync(await SaveFailingWorkflowAsync("Nightly export"));

        cut.WaitForAssertion(() => Assert.Equal(failed.Id.ToString(), cut.Find("[data-testid=dead-letter-link]").GetAttribute("data-execution-id")), Patience);
        await cut.Find("[data-testid=resume-failed]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("yes", cut.Find("[data-testid=retry-plan-step][data-step-id=broken]").GetAttribute("data-runs-again")), Patience);
        await cut.Find("[data-testid=retry-confirm]").ClickAsync(new());

        await using var db = NewDb();
        var child = await db.Executions.SingleAsync(e => e.ParentExecutionId == failed.Id);
        Assert.EndsWith($"executions/{child.Id}", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=dead-letter-link]")), Patience);
    }

    [Fact]
    public async Task Discard_takes_the_run_off_the_list()
    {
        var failed = await RunToEndAsync(await SaveFailingWorkflowAsync("Discard me"));
        var cut = Render<DeadLetterList>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=dead-letter-link]")), Patience);

        await cut.Find("[data-testid=discard]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=dead-letter-link]")), Patience);
        await using var db = NewDb();
        Assert.Equal(DeadLetterOutcomes.Discarded, (await db.Executions.SingleAsync(e => e.Id == failed.Id)).DeadLetterOutcome);
    }

    [Fact]
    public async Task A_viewer_sees_dead_letters_without_buttons_to_act_on_them()
    {
        Auth.SetRoles("Viewer");
        Auth.SetPolicies(ReadPolicy);
        await RunToEndAsync(await SaveFailingWorkflowAsync("Read only"));

        var cut = Render<DeadLetterList>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=dead-letter-link]")), Patience);
        Assert.Empty(cut.FindAll("[data-testid=discard]"));
        Assert.Empty(cut.FindAll("[data-testid=resume-failed]"));
    }

    [Fact]
    public async Task The_run_page_of_a_failed_run_offers_a_retry_and_links_to_its_re_run()
    {
        var failed = await RunToEndAsync(await SaveFailingWorkflowAsync("Linked"));
        var cut = Render<RunPage>(p => p.Add(c => c.Id, failed.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=run-replay]")), Patience);

        await cut.Find("[data-testid=run-replay]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=retry-confirm]")), Patience);
        await cut.Find("[data-testid=retry-confirm]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=child-run]")), Patience);
    }
}
