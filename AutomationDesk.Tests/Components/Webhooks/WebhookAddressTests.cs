using AutomationDesk.Core.Security;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Components.Admin;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Webhooks;

public sealed class WebhookAddressTests : RolePageTest
{
    [Fact]
    public async Task An_editor_sees_the_full_url_with_the_token()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Addressed hook");

        var address = Render<WebhookAddress>(p => p.Add(c => c.WorkflowId, workflowId));

        address.WaitForAssertion(() => Assert.Equal($"http://localhost/api/webhooks/{workflowId}/{token}", address.Find("[data-testid=webhook-url]").TextContent), Patience);
        Assert.NotNull(address.Find("[data-testid=copy-button]"));
    }

    [Fact]
    public async Task Rotating_asks_first_then_shows_the_new_url_and_the_old_token_is_refused()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, oldToken) = await SaveWebhookWorkflowAsync("Rotated hook");
        var address = Render<WebhookAddress>(p => p.Add(c => c.WorkflowId, workflowId));
        address.WaitForAssertion(() => Assert.NotNull(address.Find("[data-testid=rotate-webhook]")), Patience);

        await address.Find("[data-testid=rotate-webhook]").ClickAsync(new());
        Assert.Contains(oldToken, address.Find("[data-testid=webhook-url]").TextContent, StringComparison.Ordinal);
        await address.Find("[data-testid=confirm-rotate]").ClickAsync(new());

        string newToken;
        await using (var db = NewDb())
        {
            newToken = (await db.Workflows.AsNoTracking().SingleAsync(w => w.Id == workflowId)).WebhookToken!;
        }
        Assert.NotEqual(oldToken, newToken);
        address.WaitForAssertion(() => Assert.EndsWith($"/{newToken}", address.Find("[data-testid=webhook-url]").TextContent, StringComparison.Ordinal), Patience);
        Assert.False(WebhookTokens.Matches(newToken, oldToken));
        Assert.Equal(401, (await PostWebhookAsync(workflowId, oldToken, """{"name":"Old"}""")).StatusCode);
        Assert.Equal(202, (await PostWebhookAsync(workflowId, newToken, """{"name":"New"}""")).StatusCode);
        await using (var db = NewDb())
        {
            Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "workflow.webhook.rotate"));
        }
    }

    [Fact]
    public async Task A_viewer_is_told_why_the_url_is_hidden_and_never_gets_the_token()
    {
        SignInAs(DeskRoles.Viewer);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Hidden hook");

        var address = Render<WebhookAddress>(p => p.Add(c => c.WorkflowId, workflowId));

        address.WaitForAssertion(() => Assert.NotNull(address.Find("[data-testid=webhook-url-hidden]")), Patience);
        Assert.Empty(address.FindAll("[data-testid=webhook-url]"));
        Assert.Empty(address.FindAll("[data-testid=rotate-webhook]"));
        Assert.DoesNotContain(token, address.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_draft_not_saved_yet_is_told_to_save_first()
    {
        SignInAs(DeskRoles.Editor);

        var address = Render<WebhookAddress>(p => p.Add(c => c.WorkflowId, null));

        Assert.Contains("Save the workflow to get its URL", address.Find("[data-testid=webhook-unsaved]").TextContent, StringComparison.Ordinal);
        Assert.Empty(address.FindAll("[data-testid=webhook-url]"));
    }

    [Fact]
    public async Task The_editor_shows_the_url_in_the_webhook_trigger_form()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Edited hook");
        Render<MudPopoverProvider>();

        var editor = Render<WorkflowEditor>(p => p.Add(c => c.Id, workflowId));

        editor.WaitForAssertion(() => Assert.EndsWith($"/api/webhooks/{workflowId}/{token}", editor.Find("[data-testid=webhook-url]").TextContent, StringComparison.Ordinal), Patience);
    }
}
