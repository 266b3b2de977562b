using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Layout;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Admin;

/// <summary>
/// An approval request in the bell's pop-up: Approve / Reject for those who may decide, through the same Core path as
/// the run page; once decided (there or anywhere else) the buttons go and the notification says who decided.
/// </summary>
public sealed class NotificationBellApprovalTests : RolePageTest
{
    private async Task<Guid> PausedAtApprovalAsync(string approvers = "")
    {
        var json = $$"""
            { "schemaVersion": 1, "name": "Ask {{Guid.NewGuid():N}}", "trigger": { "type": "manual" }, "steps": [
              { "id": "ask", "type": "approval", "config": { "message": "Send the invoice?"{{approvers}} } },
              { "id": "send", "type": "transform", "dependsOn": ["ask"], "config": { "value": "${steps.ask.output.decision}" } } ] }
            """;
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(json, Actor.System, CancellationToken.None);
        var run = await Services.GetRequiredService<ExecutionLauncher>().StartAsync(saved["id"]!.GetValue<Guid>(),
            new RunRequest("manual", new JsonObject()), Actor.User("tester@desk.test"), CancellationToken.None);
        await RunQueuedAsync();
        return run.Id;
    }

    private async Task<(IRenderedComponent<MudPopoverProvider> Popovers, IRenderedComponent<NotificationBell> Bell)> OpenBellAsync()
    {
        var popovers = Render<MudPopoverProvider>();
        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.NotEqual("0", bell.Find("[data-testid=notification-bell]").GetAttribute("data-unread")), Patience);
        await bell.Find("[data-testid=bell-button]").ClickAsync(new());
        return (popovers, bell);
    }

    private async Task<ExecutionStatus> StatusOfAsync(Guid runId)
    {
        await using var db = NewDb();
        return (await db.Executions.AsNoTracking().SingleAsync(e => e.Id == runId)).Status;
    }

    [Fact]
    public async Task An_editor_approves_from_the_bell_and_the_notification_then_says_who_approved()
    {
        var runId = await PausedAtApprovalAsync();
        Auth.SetAuthorized("ana@desk.test");
        SignInAs(DeskRoles.Editor);
        var (popovers, _) = await OpenBellAsync();
        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll("[data-testid=bell-approval]")), Patience);

        await popovers.Find("[data-testid=bell-approve]").ClickAsync(new());

        popovers.WaitForAssertion(() => Assert.Empty(popovers.FindAll("[data-testid=bell-approval]")), Patience);
        popovers.WaitForAssertion(() => Assert.StartsWith("Approved by ana@desk.test", popovers.Find("[data-testid=bell-decided]").TextContent.Trim(), StringComparison.Ordinal), Patience);
        Assert.Contains("just now", popovers.Find("[data-testid=bell-decided]").TextContent, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Queued, await StatusOfAsync(runId));
        await RunQueuedAsync();
        Assert.Equal(ExecutionStatus.Succeeded, await StatusOfAsync(runId));
        await using var db = NewDb();
        var notification = await db.Notifications.AsNoTracking().SingleAsync(n => n.ExecutionId == runId);
        Assert.Equal(("approve", "ana@desk.test"), (notification.Decision, notification.DecidedBy));
    }

    [Fact]
    public async Task Rejecting_from_the_bell_fails_the_run_and_says_who_rejected()
    {
        var runId = await PausedAtApprovalAsync();
        Auth.SetAuthorized("root@desk.test");
        SignInAs(DeskRoles.Admin);
        var (popovers, _) = await OpenBellAsync();
        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll("[data-testid=bell-reject]")), Patience);

        await popovers.Find("[data-testid=bell-reject]").ClickAsync(new());

        popovers.WaitForAssertion(() => Assert.StartsWith("Rejected by root@desk.test", popovers.Find("[data-testid=bell-decided]").TextContent.Trim(), StringComparison.Ordinal), Patience);
        await RunQueuedAsync();
        Assert.Equal(ExecutionStatus.Failed, await StatusOfAsync(runId));
    }

    [Fact]
    public async Task A_decision_made_elsewhere_takes_the_buttons_away_live()
    {
        var runId = await PausedAtApprovalAsync();
        SignInAs(DeskRoles.Editor);
        var (popovers, _) = await OpenBellAsync();
        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll("[data-testid=bell-approval]")), Patience);

        await Services.GetRequiredService<Approvals>().DecideAsync(runId, ApprovalDecision.Approve, null,
            new Decider(Actor.User("bo@desk.test"), "bo@desk.test", [DeskRoles.Editor]), CancellationToken.None);

        popovers.WaitForAssertion(() => Assert.Empty(popovers.FindAll("[data-testid=bell-approval]")), Patience);
        popovers.WaitForAssertion(() => Assert.StartsWith("Approved by bo@desk.test", popovers.Find("[data-testid=bell-decided]").TextContent.Trim(), StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task A_viewer_sees_the_request_without_buttons()
    {
        await PausedAtApprovalAsync();
        SignInAs(DeskRoles.Viewer);
        var (popovers, _) = await OpenBellAsync();

        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll("[data-testid=bell-item]")), Patience);
        Assert.Empty(popovers.FindAll("[data-testid=bell-approval]"));
    }

    [Fact]
    public async Task A_viewer_named_as_approver_gets_the_buttons()
    {
        await PausedAtApprovalAsync(""", "approvers": { "users": ["val@desk.test"] }""");
        Auth.SetAuthorized("val@desk.test");
        SignInAs(DeskRoles.Viewer);
        var (popovers, _) = await OpenBellAsync();

        popovers.WaitForAssertion(() => Assert.Single(popovers.FindAll("[data-testid=bell-approval]")), Patience);
    }
}
