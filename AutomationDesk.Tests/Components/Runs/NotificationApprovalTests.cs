using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.Notifications;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class NotificationApprovalTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_notification_that_asks_for_an_approval_can_approve_the_run_and_the_panel_goes_when_decided()
    {
        var workflow = await SaveWorkflowAsync("Ask first", """
            [ { "id": "ask", "type": "approval", "config": { "message": "Send the invoice to ${trigger.who}?" } },
              { "id": "send", "type": "transform", "dependsOn": ["ask"], "config": { "value": "${steps.ask.output.decision}" } } ]
            """);
        var run = await RunToEndAsync(workflow);
        var cut = Render<NotificationList>();
        cut.WaitForAssertion(() => Assert.Equal("Send the invoice to ada?", cut.Find("[data-testid=notification-approval] [data-testid=approval-message]").TextContent), Patience);
        Assert.Single(cut.FindAll("[data-testid=notification-approval]"));

        cut.Find("[data-testid=approval-comment]").Change("go ahead");
        await cut.Find("[data-testid=approve]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=notification-approval]")), Patience);
        await RunQueuedAsync();
        await using var db = NewDb();
        Assert.Equal(ExecutionStatus.Succeeded, (await db.Executions.SingleAsync(e => e.Id == run.Id)).Status);
    }
}
