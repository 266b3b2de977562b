using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Components.Admin;
using AutomationDesk.Web.Components.Pages.Inbox;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Components.Shared;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Webhooks;

/// <summary>Addresses shown to people are built on <c>desk.publicBaseUrl</c> when it is set (the desk behind a proxy).</summary>
public sealed class PublicBaseUrlTests : RolePageTest
{
    private Task SetBaseAsync(string url) =>
        Services.GetRequiredService<DeskSettings>().ChangeAsync(DeskSettingKeys.PublicBaseUrl, url, Actor.System, CancellationToken.None);

    [Fact]
    public async Task The_webhook_url_follows_the_public_base_url_and_changes_when_it_is_set()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Proxied hook");
        var address = Render<WebhookAddress>(p => p.Add(c => c.WorkflowId, workflowId));
        address.WaitForAssertion(() => Assert.Equal($"http://localhost/api/webhooks/{workflowId}/{token}", address.Find("[data-testid=webhook-url]").TextContent), Patience);

        await SetBaseAsync("https://desk.example.com/automation/");

        address.WaitForAssertion(() => Assert.Equal(
            $"https://desk.example.com/automation/api/webhooks/{workflowId}/{token}", address.Find("[data-testid=webhook-url]").TextContent), Patience);
        Assert.Equal($"https://desk.example.com/automation/api/webhooks/{workflowId}/{token}", address.FindComponent<CopyButton>().Instance.Text);
    }

    [Fact]
    public async Task The_inbox_receiver_url_copied_is_under_the_public_base_url_when_set_and_the_page_address_without_it()
    {
        SignInAs(DeskRoles.Admin);
        await Services.GetRequiredService<InboxStore>().CreateSourceAsync(new InboxSourceInput("proxied"), Actor.System, CancellationToken.None);
        var before = Render<InboxPage>();
        before.WaitForAssertion(() => Assert.Equal("http://localhost/api/webhooks/inbox/proxied", before.FindComponent<CopyButton>().Instance.Text), Patience);

        await SetBaseAsync("https://hooks.example.com");
        var after = Render<InboxPage>();

        after.WaitForAssertion(() => Assert.Equal("https://hooks.example.com/api/webhooks/inbox/proxied", after.FindComponent<CopyButton>().Instance.Text), Patience);
    }
}
