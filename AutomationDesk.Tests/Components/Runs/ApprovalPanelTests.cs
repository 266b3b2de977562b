using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class ApprovalPanelTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private async Task<ExecutionSummary> PausedRunAsync(string approvers = "")
    {
        var workflow = await SaveWorkflowAsync("Needs a yes", $$"""
            [ { "id": "ask", "type": "approval", "config": { "message": "Greet ${trigger.who}?"{{approvers}} } },
              { "id": "greet", "type": "transform", "dependsOn": ["ask"], "config": { "value": "${steps.ask.output.comment}" } } ]
            """);
        return await RunToEndAsync(workflow);
    }

    [Fact]
    public async Task A_paused_approval_shows_its_message_and_approving_runs_the_rest_live()
    {
        var run = await PausedRunAsync();
        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));
        cut.WaitForAssertion(() => Assert.Equal("Greet ada?", cut.Find("[data-testid=approval-message]").TextContent), Patience);
        Assert.Equal("Paused", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status"));
        Assert.Empty(cut.FindAll("[data-testid=resume-run]"));

        cut.Find("[data-testid=approval-comment]").Change("looks right");
        await cut.Find("[data-testid=approve]").ClickAsync(new());
        await RunQueuedAsync();

        cut.WaitForAssertion(() => Assert.Equal("Succeeded", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);
        Assert.Empty(cut.FindAll("[data-testid=approval-panel]"));
        Assert.Contains("looks right", cut.Find("[data-testid=run-output]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejecting_fails_the_run_with_the_comment()
    {
        var run = await PausedRunAsync();
        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));
        cut.WaitForElement("[data-testid=reject]", Patience);

        cut.Find("[data-testid=approval-comment]").Change("not now");
        await cut.Find("[data-testid=reject]").ClickAsync(new());
        await RunQueuedAsync();

        cut.WaitForAssertion(() => Assert.Contains("Rejected by admin@desk.test: not now", cut.Find("[data-testid=run-error]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Someone_who_is_not_an_approver_sees_the_question_without_buttons()
    {
        var run = await PausedRunAsync(""", "approvers": { "users": ["boss@desk.test"] }""");
        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.Contains("boss@desk.test", cut.Find("[data-testid=approval-not-yours]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(cut.FindAll("[data-testid=approve]"));
    }

    [Fact]
    public async Task A_running_run_offers_pause_and_a_paused_one_resume_but_not_to_a_viewer()
    {
        var workflow = await SaveSucceedingWorkflowAsync("Plain");
        var run = await StartAsync(workflow);
        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        await cut.WaitForElement("[data-testid=pause-run]", Patience).ClickAsync(new());

        cut.WaitForElement("[data-testid=resume-run]", Patience);
        await using (var db = NewDb())
        {
            Assert.Equal(ExecutionStatus.Paused, (await db.Executions.SingleAsync(e => e.Id == run.Id)).Status);
        }
        await cut.Find("[data-testid=resume-run]").ClickAsync(new());
        await RunQueuedAsync();
        cut.WaitForAssertion(() => Assert.Equal("Succeeded", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);

        Auth.SetRoles("Viewer");
        Auth.SetPolicies(ReadPolicy);
        var paused = await StartAsync(workflow);
        await Services.GetRequiredService<RunPause>().PauseAsync(paused.Id, Actor.System, CancellationToken.None);
        var viewer = Render<RunPage>(p => p.Add(c => c.Id, paused.Id));
        viewer.WaitForAssertion(() => Assert.Equal("Paused", viewer.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);
        Assert.Empty(viewer.FindAll("[data-testid=resume-run]"));
    }
}
