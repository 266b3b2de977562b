using System.Security.Claims;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Layout;
using AutomationDesk.Web.Components.Pages.Notifications;
using AutomationDesk.Web.Notifications;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Admin;

/// <summary>Read state is each person's: another person's "mark all read" leaves the bell and the list of the admin as they were.</summary>
public sealed class NotificationReadsPerUserTests : RolePageTest
{
    private static ClaimsPrincipal Person(string userId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, $"{userId}@desk.test")], "test"));

    private static string UnreadOf(IRenderedComponent<NotificationBell> bell) =>
        bell.Find("[data-testid=notification-bell]").GetAttribute("data-unread")!;

    [Fact]
    public async Task A_viewer_reading_all_leaves_the_admins_bell_and_list_unread()
    {
        await NotifyAsync("Dead letter: nightly export");
        await NotifyAsync("Dead letter: invoices");

        await Services.GetRequiredService<NotificationInbox>().MarkAllReadAsync(Person("viewer-user"), CancellationToken.None);

        var bell = Render<NotificationBell>();
        var page = Render<NotificationList>();
        bell.WaitForAssertion(() => Assert.Equal("2", UnreadOf(bell)), Patience);
        page.WaitForAssertion(() => Assert.All(Rows(page, "notification-row"), row => Assert.Equal("false", row.GetAttribute("data-read"))), Patience);
        Assert.Equal(2, Rows(page, "notification-row").Count);
    }

    [Fact]
    public async Task The_bell_counts_what_the_signed_in_person_has_not_read()
    {
        var first = await NotifyAsync("First");
        await NotifyAsync("Second");
        await Services.GetRequiredService<NotificationInbox>().MarkReadAsync(first.Id, Person("viewer-user"), CancellationToken.None);
        SignInAs(DeskRoles.Viewer, "viewer-user");

        var bell = Render<NotificationBell>();

        bell.WaitForAssertion(() => Assert.Equal("1", UnreadOf(bell)), Patience);
    }
}
