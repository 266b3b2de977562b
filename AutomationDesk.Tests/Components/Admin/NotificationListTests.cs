using AutomationDesk.Web.Notifications;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Notifications;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class NotificationListTests : RolePageTest
{
    private async Task<System.Security.Claims.ClaimsPrincipal> SignedInUserAsync() =>
        (await Services.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>().GetAuthenticationStateAsync()).User;

    private IRenderedComponent<NotificationList> RenderLoaded(int rows)
    {
        var page = Render<NotificationList>();
        page.WaitForAssertion(() => Assert.Equal(rows, Rows(page, "notification-row").Count), Patience);
        return page;
    }

    [Fact]
    public void With_no_notifications_the_page_says_where_they_come_from()
    {
        var page = Render<NotificationList>();

        page.WaitForAssertion(() => Assert.Contains("notification.send", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Type_priority_and_unread_filters_narrow_the_list()
    {
        await NotifyAsync("Disk almost full", NotificationType.Warning, NotificationPriority.High);
        await NotifyAsync("Import failed", NotificationType.Error, NotificationPriority.Urgent);
        var done = await NotifyAsync("Import done", NotificationType.Success);
        await Services.GetRequiredService<NotificationInbox>().MarkReadAsync(done.Id, await SignedInUserAsync(), CancellationToken.None);
        var page = RenderLoaded(3);

        await page.InvokeAsync(() => page.FindComponent<MudSelect<NotificationType?>>().Instance.ValueChanged.InvokeAsync(NotificationType.Error));
        page.WaitForAssertion(() => Assert.Contains("Import failed", Assert.Single(Rows(page, "notification-row")).TextContent, StringComparison.Ordinal), Patience);

        await page.InvokeAsync(() => page.FindComponent<MudSelect<NotificationType?>>().Instance.ValueChanged.InvokeAsync(null));
        await page.InvokeAsync(() => page.FindComponent<MudSelect<NotificationPriority?>>().Instance.ValueChanged.InvokeAsync(NotificationPriority.High));
        page.WaitForAssertion(() => Assert.Contains("Disk almost full", Assert.Single(Rows(page, "notification-row")).TextContent, StringComparison.Ordinal), Patience);

        await page.InvokeAsync(() => page.FindComponent<MudSelect<NotificationPriority?>>().Instance.ValueChanged.InvokeAsync(null));
        InputOf(page, "unread-only").Change(true);
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "notification-row").Count), Patience);
        Assert.All(Rows(page, "notification-row"), row => Assert.Equal("false", row.GetAttribute("data-read")));
    }

    [Fact]
    public async Task Search_finds_words_in_the_title_or_the_message()
    {
        await NotifyAsync("Nightly backup");
        await NotifyAsync("Invoice sent");
        var page = RenderLoaded(2);

        InputOf(page, "search").Change("backup");

        page.WaitForAssertion(() => Assert.Contains("Nightly backup", Assert.Single(Rows(page, "notification-row")).TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task A_long_list_pages_twenty_at_a_time()
    {
        for (var i = 1; i <= NotificationList.PageSize + 5; i++)
        {
            await NotifyAsync($"Notification {i}");
        }
        var page = RenderLoaded(NotificationList.PageSize);
        Assert.Equal("1–20 of 25", page.Find("[data-testid=page-summary]").TextContent);

        await page.InvokeAsync(() => page.FindComponent<MudPagination>().Instance.SelectedChanged.InvokeAsync(2));

        page.WaitForAssertion(() => Assert.Equal(5, Rows(page, "notification-row").Count), Patience);
        Assert.Equal("21–25 of 25", page.Find("[data-testid=page-summary]").TextContent);
        // Newest first: the second page holds the five oldest.
        Assert.Contains("Notification 1<", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Notification 25", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mark_all_read_reads_every_notification_and_records_it_in_the_audit_log()
    {
        await NotifyAsync("One");
        await NotifyAsync("Two");
        var page = RenderLoaded(2);

        await page.Find("[data-testid=mark-all-read]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.All(Rows(page, "notification-row"), row => Assert.Equal("true", row.GetAttribute("data-read"))), Patience);
        await using var db = NewDb();
        Assert.Equal(0, await db.Notifications.UnreadBy("test-user").CountAsync());
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "notification.read-all" && a.Actor == "admin@desk.test"));
    }

    [Fact]
    public async Task An_editor_deletes_a_notification()
    {
        SignInAs(DeskRoles.Editor);
        await NotifyAsync("Keep me");
        await NotifyAsync("Delete me");
        var page = RenderLoaded(2);

        var row = Rows(page, "notification-row").Single(r => r.TextContent.Contains("Delete me", StringComparison.Ordinal));
        await row.QuerySelector("[data-testid=delete]")!.ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Keep me", Assert.Single(Rows(page, "notification-row")).TextContent, StringComparison.Ordinal), Patience);
        await using var db = NewDb();
        Assert.Equal(["Keep me"], await db.Notifications.Select(n => n.Title).ToListAsync());
    }

    [Fact]
    public async Task A_viewer_can_mark_read_but_sees_no_delete_button()
    {
        SignInAs(DeskRoles.Viewer);
        await NotifyAsync("Look only");

        var page = RenderLoaded(1);

        Assert.Empty(page.FindAll("[data-testid=delete]"));
        Assert.Single(page.FindAll("[data-testid=mark-read]"));
    }

    [Fact]
    public async Task A_notification_from_a_run_links_to_the_run()
    {
        var executionId = Guid.NewGuid();
        await NotifyAsync("Run failed", NotificationType.Error, executionId: executionId);
        await NotifyAsync("Not from a run");

        var page = RenderLoaded(2);

        var link = Assert.Single(page.FindAll("[data-testid=run-link]"));
        Assert.EndsWith($"executions/{executionId}", link.GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_notification_appears_without_a_reload()
    {
        await NotifyAsync("Old news");
        var page = RenderLoaded(1);

        await NotifyAsync("Fresh news");

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "notification-row").Count), Patience);
        Assert.Contains("Fresh news", Rows(page, "notification-row")[0].TextContent, StringComparison.Ordinal);
    }
}
