using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Tests.Components.Admin;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Pages.Webhooks;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Webhooks;

public sealed class WebhookEventPageTests : RolePageTest
{
    [Fact]
    public async Task Replaying_a_refused_request_first_asks_for_a_confirmation_that_says_why_it_was_refused()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, _) = await SaveWebhookWorkflowAsync("Refused hook");
        var refused = await PostWebhookAsync(workflowId, "stale-token", """{"name":"Late"}""");
        var page = Render<WebhookEventPage>(p => p.Add(c => c.Id, refused.EventId));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=replay]")), Patience);

        await page.Find("[data-testid=replay]").ClickAsync(new());

        var reason = page.WaitForElement("[data-testid=replay-confirmation-reason]", Patience).TextContent;
        Assert.Contains("refused (401)", reason, StringComparison.Ordinal);
        Assert.Contains("not this workflow's webhook token", reason, StringComparison.Ordinal);
        Assert.Contains("none", page.Find("[data-testid=event-runs]").TextContent, StringComparison.Ordinal);
        await using (var db = NewDb())
        {
            Assert.False(await db.Executions.AnyAsync(e => e.WorkflowId == workflowId), "nothing runs before the confirmation");
        }

        await page.Find("[data-testid=replay-confirm]").ClickAsync(new());

        var link = page.WaitForElement("[data-testid=event-replay-run-link]", Patience);
        var runId = Guid.Parse(link.GetAttribute("href")!["executions/".Length..]);
        Assert.Contains("replay", page.Find("[data-testid=event-run]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=replay-confirmation]"));
        await RunQueuedAsync();
        await using var after = NewDb();
        Assert.Equal(ExecutionStatus.Succeeded, (await after.Executions.AsNoTracking().SingleAsync(e => e.Id == runId)).Status);
    }

    [Fact]
    public async Task An_accepted_request_replays_without_a_question_and_lists_its_first_run_and_the_replay()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Accepted hook");
        var accepted = await PostWebhookAsync(workflowId, token, """{"name":"Ada"}""");
        var page = Render<WebhookEventPage>(p => p.Add(c => c.Id, accepted.EventId));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=replay]")), Patience);

        await page.Find("[data-testid=replay]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=event-run]").Count), Patience);
        Assert.Empty(page.FindAll("[data-testid=replay-confirmation]"));
        Assert.Equal(["false", "true"], page.FindAll("[data-testid=event-run]").Select(r => r.GetAttribute("data-replay")));
        Assert.Equal($"executions/{accepted.ExecutionId}", page.Find("[data-testid=event-run-link]").GetAttribute("href"));
    }

    [Fact]
    public async Task The_run_page_of_a_replay_says_which_webhook_event_it_replays_and_links_to_it()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Linked replay hook");
        var accepted = await PostWebhookAsync(workflowId, token, """{"name":"Ada"}""");
        var replayed = await Services.GetRequiredService<global::AutomationDesk.Core.Triggers.WebhookReplay>()
            .ReplayAsync(accepted.EventId, global::AutomationDesk.Core.Auditing.Actor.User("editor@desk.test"), confirmed: false, CancellationToken.None);

        var replayRun = Render<RunPage>(p => p.Add(c => c.Id, replayed.Runs[0].ExecutionId));
        var firstRun = Render<RunPage>(p => p.Add(c => c.Id, accepted.ExecutionId!.Value));

        var link = replayRun.WaitForElement("[data-testid=run-replay-of-link]", Patience);
        Assert.Equal($"webhook-events/{accepted.EventId}", link.GetAttribute("href"));
        Assert.Contains("Replay of webhook event", replayRun.Find("[data-testid=run-replay-of]").TextContent, StringComparison.Ordinal);
        firstRun.WaitForElement("[data-testid=run-header]", Patience);
        Assert.Empty(firstRun.FindAll("[data-testid=run-replay-of]"));
    }

    [Fact]
    public async Task A_viewer_sees_a_refused_request_and_its_reason_but_no_replay()
    {
        SignInAs(DeskRoles.Viewer);
        var (workflowId, _) = await SaveWebhookWorkflowAsync("Viewed refused hook");
        var refused = await PostWebhookAsync(workflowId, "stale-token", """{"name":"Late"}""");

        var page = Render<WebhookEventPage>(p => p.Add(c => c.Id, refused.EventId));

        page.WaitForAssertion(() => Assert.Contains("webhook token", page.Find("[data-testid=event-reason]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=replay]"));
    }
}
