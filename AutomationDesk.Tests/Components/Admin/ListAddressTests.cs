using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Notifications;
using AutomationDesk.Web.Components.Pages.Webhooks;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;

namespace AutomationDesk.Tests.Components.Admin;

/// <summary>The notifications and webhook-events lists keep their filters and page in the address.</summary>
public sealed class ListAddressTests : RolePageTest
{
    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task Notifications_open_with_the_filters_of_their_address()
    {
        await NotifyAsync("Disk almost full", NotificationType.Warning, NotificationPriority.High);
        await NotifyAsync("Import failed", NotificationType.Error, NotificationPriority.Urgent);
        Navigation.NavigateTo("notifications?type=Error&q=Import");

        var page = Render<NotificationList>();

        page.WaitForAssertion(() => Assert.Contains("Import failed", Assert.Single(Rows(page, "notification-row")).TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal(NotificationType.Error, page.FindComponent<MudSelect<NotificationType?>>().Instance.GetState(x => x.Value));
    }

    [Fact]
    public async Task Changing_a_notification_filter_writes_it_into_the_address()
    {
        await NotifyAsync("Disk almost full", NotificationType.Warning, NotificationPriority.High);
        var page = Render<NotificationList>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "notification-row")), Patience);

        await page.InvokeAsync(() => page.FindComponent<MudSelect<NotificationPriority?>>().Instance.ValueChanged.InvokeAsync(NotificationPriority.High));
        await page.InvokeAsync(() => page.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));

        Assert.Equal("?priority=High&unreadOnly=true", new Uri(Navigation.Uri).Query);
    }

    [Fact]
    public async Task Webhook_events_open_with_the_filters_of_their_address_and_write_changes_back()
    {
        SignInAs(DeskRoles.Viewer);
        var (id, token) = await SaveWebhookWorkflowAsync("Orders");
        await PostWebhookAsync(id, token, """{ "name": "Ada" }""");
        await PostWebhookAsync(id, "wrong-token", """{ "name": "Eve" }""");
        Navigation.NavigateTo($"webhook-events?workflowId={id}&status=refused");

        var page = Render<WebhookEventList>();

        page.WaitForAssertion(() => Assert.Equal("refused", Assert.Single(Rows(page, "webhook-event-row")).GetAttribute("data-status")), Patience);
        await page.InvokeAsync(() => page.FindComponents<MudSelect<string>>()[1].Instance.ValueChanged.InvokeAsync("accepted"));
        page.WaitForAssertion(() => Assert.Equal("accepted", Assert.Single(Rows(page, "webhook-event-row")).GetAttribute("data-status")), Patience);
        Assert.Equal($"?workflowId={id}&status=accepted", new Uri(Navigation.Uri).Query);
    }
}
