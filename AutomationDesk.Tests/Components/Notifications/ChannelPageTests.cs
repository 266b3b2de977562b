using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Tests.Components.Admin;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Components.Pages.Notifications;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Notifications;

/// <summary>The notification channels page and the delivery chips on the notifications list.</summary>
public sealed class ChannelPageTests(ChannelPageTests.Receiver receiver) : RolePageTest, IClassFixture<ChannelPageTests.Receiver>
{
    /// <summary>One loopback receiver for the class; each test posts to hooks of its own names.</summary>
    public sealed class Receiver : IAsyncLifetime
    {
        public ChannelReceiver Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await ChannelReceiver.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private readonly ChannelReceiver _receiver = receiver.Server;
    private string _userId = "";

    private NotificationChannelStore Store => Services.GetRequiredService<NotificationChannelStore>();

    /// <summary>Signs in a real person (a delivery is planned only for an active one) with hooks named for this test.</summary>
    private async Task<string> SignInAsync()
    {
        _userId = (await AddUserAsync($"channels-{Guid.NewGuid():N}@desk.test", "Viewer")).Id;
        SignInAs("Viewer", _userId);
        return _userId;
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private Task<NotificationChannelView> AddAsync(string userId, NotificationChannelInput input) =>
        Store.CreateAsync(userId, input, Actor.System, CancellationToken.None);

    [Fact]
    public async Task Channel_page_lists_only_your_channels_with_the_URL_masked()
    {
        await SignInAsync();
        var other = await AddUserAsync("other@desk.test", "Admin");
        await AddAsync(_userId, new("Ops Slack", ChannelKind.Slack, Url: _receiver.Url("secret-path"), Types: [NotificationType.Error], MinPriority: NotificationPriority.Urgent));
        await AddAsync(other.Id, new("Not mine", ChannelKind.Discord, Url: _receiver.Url("theirs")));

        var page = Render<NotificationChannels>();

        page.WaitForAssertion(() => Assert.Single(Rows(page, "channel-row")), Patience);
        Assert.Equal("Ops Slack", Rows(page, "channel-row")[0].GetAttribute("data-name"));
        Assert.EndsWith("/***", page.Find("[data-testid=channel-target]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-path", page.Markup, StringComparison.Ordinal);
        Assert.Equal("Error, Urgent and above", page.Find("[data-testid=channel-wants]").TextContent);
    }

    [Fact]
    public async Task Channel_added_in_the_dialog_is_saved_and_listed_and_a_missing_URL_is_named()
    {
        await SignInAsync();
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<NotificationChannels>();
        page.WaitForAssertion(() => page.Find("[data-testid=add-channel]"), Patience);

        await page.Find("[data-testid=add-channel]").ClickAsync(new());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=channel-name]"), Patience);
        await InputOf(dialogs, "channel-name").ChangeAsync(new() { Value = "Team room" });
        await dialogs.Find("[data-testid=save-channel]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("Give the Slack webhook URL", dialogs.Markup, StringComparison.Ordinal), Patience);

        await InputOf(dialogs, "channel-url").ChangeAsync(new() { Value = _receiver.Url("team-room") });
        await dialogs.Find("[data-testid=save-channel]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Team room", Assert.Single(Rows(page, "channel-row")).GetAttribute("data-name")), Patience);
        var saved = Assert.Single(await Store.ListAsync(_userId, CancellationToken.None));
        Assert.Equal((ChannelKind.Slack, true), (saved.Kind, saved.Enabled));
        await using var db = NewDb();
        Assert.Equal(_receiver.Url("team-room"), Store.TargetOf(await db.NotificationChannels.SingleAsync()).Url);
    }

    [Fact]
    public async Task Channel_edit_keeps_the_saved_URL_when_the_field_is_left_empty()
    {
        await SignInAsync();
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        await AddAsync(_userId, new("Room", ChannelKind.Discord, Url: _receiver.Url("room")));
        var page = Render<NotificationChannels>();
        page.WaitForAssertion(() => page.Find("[data-testid=edit-channel]"), Patience);

        await page.Find("[data-testid=edit-channel]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Equal("", InputOf(dialogs, "channel-url").GetAttribute("value") ?? ""), Patience);
        Assert.DoesNotContain("/hooks/room", dialogs.Markup, StringComparison.Ordinal);
        await InputOf(dialogs, "channel-name").ChangeAsync(new() { Value = "Room renamed" });
        await dialogs.Find("[data-testid=save-channel]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Room renamed", Assert.Single(Rows(page, "channel-row")).GetAttribute("data-name")), Patience);
        await using var db = NewDb();
        Assert.Equal(_receiver.Url("room"), Store.TargetOf(await db.NotificationChannels.SingleAsync()).Url);
    }

    [Fact]
    public async Task Channel_send_test_shows_what_the_service_answered()
    {
        await SignInAsync();
        var (works, broken) = (Unique("works"), Unique("broken"));
        _receiver.Answer(broken, 404);
        await AddAsync(_userId, new("Works", ChannelKind.Slack, Url: _receiver.Url(works)));
        await AddAsync(_userId, new("Broken", ChannelKind.Teams, Url: _receiver.Url(broken)));
        var page = Render<NotificationChannels>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "send-test").Count), Patience);

        await Rows(page, "send-test")[0].ClickAsync(new());
        page.WaitForAssertion(() => Assert.Single(Rows(page, "test-result")), Patience);
        await Rows(page, "send-test")[1].ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "test-result").Count), Patience);
        var results = Rows(page, "test-result").Select(r => (r.GetAttribute("data-ok"), r.TextContent.Trim())).ToList();
        Assert.Contains(results, r => r.Item1 == "false" && r.Item2.Contains("Teams answered 404", StringComparison.Ordinal));
        Assert.Contains(results, r => r.Item1 == "true" && r.Item2.StartsWith("Sent a test message", StringComparison.Ordinal));
        Assert.Single(_receiver.To(works));
    }

    [Fact]
    public async Task Channel_delivery_chips_on_the_notifications_list_follow_the_sends_live()
    {
        await SignInAsync();
        var gone = Unique("gone");
        _receiver.Answer(gone, 410);
        await AddAsync(_userId, new("Good hook", ChannelKind.Webhook, Url: _receiver.Url(Unique("good"))));
        await AddAsync(_userId, new("Gone hook", ChannelKind.Webhook, Url: _receiver.Url(gone)));
        await NotifyAsync("Deploy failed", NotificationType.Error, NotificationPriority.Urgent);
        var page = Render<NotificationList>();
        page.WaitForAssertion(() => Assert.Equal(["pending", "pending"], Rows(page, "delivery-chip").Select(c => c.GetAttribute("data-status"))), Patience);

        await Services.GetRequiredService<ChannelDeliveries>().SendDueAsync(CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal(
            [("Gone hook", "failed"), ("Good hook", "sent")],
            Rows(page, "delivery-chip").Select(c => (c.GetAttribute("data-channel"), c.GetAttribute("data-status")))), Patience);
    }

    [Fact]
    public void Channel_delivery_chip_tooltip_says_why_a_send_failed()
    {
        var failed = new NotificationDeliveryView("Ops", ChannelKind.Slack, DeliveryStatus.Failed, 5, "Slack answered 404 Not Found", null);
        var retrying = new NotificationDeliveryView("Ops", ChannelKind.Slack, DeliveryStatus.Pending, 2, "Slack answered 503", null);

        Assert.Equal("Not sent to Ops after 5 attempts: Slack answered 404 Not Found", AutomationDesk.Web.Components.Shared.DeliveryChips.TooltipOf(failed));
        Assert.Equal("Trying Ops again (2 attempts so far): Slack answered 503", AutomationDesk.Web.Components.Shared.DeliveryChips.TooltipOf(retrying));
    }
}
