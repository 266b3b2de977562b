using AutomationDesk.Web.Notifications;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Web.Components.Layout;
using AutomationDesk.Web.Components.Pages.Notifications;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class NotificationBellTests : RolePageTest
{
    private static string UnreadOf(IRenderedComponent<NotificationBell> bell) =>
        bell.Find("[data-testid=notification-bell]").GetAttribute("data-unread")!;

    [Fact]
    public async Task The_bell_count_rises_live_when_a_notification_is_created()
    {
        await NotifyAsync("Already there");
        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal("1", UnreadOf(bell)), Patience);

        await NotifyAsync("Deploy finished");

        bell.WaitForAssertion(() => Assert.Equal("2", UnreadOf(bell)), Patience);
        Assert.Contains("2", bell.Find(".mud-badge").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marking_one_read_on_the_notifications_page_lowers_the_bell()
    {
        await NotifyAsync("First");
        await NotifyAsync("Second");
        var bell = Render<NotificationBell>();
        var page = Render<NotificationList>();
        bell.WaitForAssertion(() => Assert.Equal("2", UnreadOf(bell)), Patience);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=mark-read]").Count), Patience);

        await page.FindAll("[data-testid=mark-read]")[0].ClickAsync(new());

        bell.WaitForAssertion(() => Assert.Equal("1", UnreadOf(bell)), Patience);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=mark-read]")), Patience);
    }

    [Fact]
    public async Task Mark_all_read_from_the_bell_brings_the_count_to_zero()
    {
        await NotifyAsync("First");
        await NotifyAsync("Second");
        var popovers = Render<MudPopoverProvider>();
        var bell = Render<NotificationBell>();
        bell.WaitForAssertion(() => Assert.Equal("2", UnreadOf(bell)), Patience);

        await bell.Find("[data-testid=bell-button]").ClickAsync(new());
        popovers.WaitForAssertion(() => Assert.Equal(2, popovers.FindAll("[data-testid=bell-item]").Count), Patience);
        await popovers.Find("[data-testid=bell-mark-all-read]").ClickAsync(new());

        bell.WaitForAssertion(() => Assert.Equal("0", UnreadOf(bell)), Patience);
        Assert.Empty(bell.FindAll(".mud-badge"));
    }

    [Fact]
    public async Task A_high_priority_notification_pops_up_and_a_normal_one_does_not()
    {
        var bell = Render<NotificationBell>();
        var snackbar = Services.GetRequiredService<ISnackbar>();
        bell.WaitForAssertion(() => Assert.Equal("0", UnreadOf(bell)), Patience);

        await NotifyAsync("Routine", priority: NotificationPriority.Normal);
        bell.WaitForAssertion(() => Assert.Equal("1", UnreadOf(bell)), Patience);
        Assert.Empty(snackbar.ShownSnackbars);

        await NotifyAsync("Payments are failing", NotificationType.Error, NotificationPriority.Urgent);

        bell.WaitForAssertion(() => Assert.Equal("2", UnreadOf(bell)), Patience);
        var shown = Assert.Single(snackbar.ShownSnackbars);
        Assert.Equal(Severity.Error, shown.Severity);
        Assert.Contains("Payments are failing", shown.Message, StringComparison.Ordinal);
    }
}
