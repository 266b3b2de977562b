using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Core.Connections;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Notifications;

/// <summary>What each kind of channel sends, to real loopback receivers, and which notifications a channel gets.</summary>
public sealed class NotificationChannelDeliveryTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private ChannelReceiver _receiver = null!;
    private string _user = "";

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _receiver = await ChannelReceiver.StartAsync();
        _user = await _desk.AddUserAsync("ops@desk.test");
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _desk.DisposeAsync();
    }

    [Fact]
    public async Task Channel_kinds_each_send_the_shape_their_service_reads()
    {
        await _desk.AddChannelAsync(_user, new("Slack", ChannelKind.Slack, Url: _receiver.Url("slack")));
        await _desk.AddChannelAsync(_user, new("Teams", ChannelKind.Teams, Url: _receiver.Url("teams")));
        await _desk.AddChannelAsync(_user, new("Discord", ChannelKind.Discord, Url: _receiver.Url("discord")));
        await _desk.AddChannelAsync(_user, new("Hook", ChannelKind.Webhook, Url: _receiver.Url("hook")));

        var notification = await _desk.NotifyAsync("Nightly import <failed>", NotificationType.Error, NotificationPriority.Urgent);
        Assert.Equal(4, await _desk.SendDueAsync());

        var slack = Assert.Single(_receiver.To("slack")).Json;
        Assert.Equal("*[Urgent] Nightly import &lt;failed&gt;*\nNightly import &lt;failed&gt;: the run failed", (string)slack["text"]!);
        Assert.Equal("section", (string)slack["blocks"]![0]!["type"]!);
        Assert.Equal("mrkdwn", (string)slack["blocks"]![0]!["text"]!["type"]!);

        var teams = Assert.Single(_receiver.To("teams")).Json;
        Assert.Equal("message", (string)teams["type"]!);
        var card = teams["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string)card["contentType"]!);
        Assert.Equal("AdaptiveCard", (string)card["content"]!["type"]!);
        Assert.Equal("[Urgent] Nightly import <failed>", (string)card["content"]!["body"]![0]!["text"]!);
        Assert.Equal("Attention", (string)card["content"]!["body"]![0]!["color"]!);

        var discord = Assert.Single(_receiver.To("discord")).Json;
        Assert.Equal("**[Urgent] Nightly import <failed>**\nNightly import <failed>: the run failed", (string)discord["content"]!);
        Assert.Empty(discord["allowed_mentions"]!["parse"]!.AsArray());

        var hook = Assert.Single(_receiver.To("hook"));
        Assert.Equal("notification", (string)hook.Json["event"]!);
        Assert.Equal(notification.Id, hook.Json["id"]!.GetValue<Guid>());
        Assert.Equal("Error", (string)hook.Json["type"]!);
        Assert.Equal("Urgent", (string)hook.Json["priority"]!);
        Assert.False(hook.Headers.ContainsKey(WebhookChannel.SignatureHeader));
        Assert.Equal((string)hook.Json["deliveryId"]!, hook.Headers[WebhookChannel.DeliveryHeader]);

        Assert.All(await _desk.DeliveriesAsync(), d =>
        {
            Assert.Equal(DeliveryStatus.Sent, d.Status);
            Assert.Equal(1, d.Attempts);
            Assert.Equal(_desk.Time.GetUtcNow(), d.SentAt);
        });
    }

    [Fact]
    public async Task Channel_webhook_with_a_signing_secret_signs_the_body_with_HMAC_SHA256()
    {
        const string secret = "a-signing-secret-of-some-length";
        await _desk.AddChannelAsync(_user, new("Signed", ChannelKind.Webhook, Url: _receiver.Url("signed"), SigningSecret: secret));

        await _desk.NotifyAsync("Signed one");
        await _desk.SendDueAsync();

        var received = Assert.Single(_receiver.To("signed"));
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(received.Body)));
        Assert.Equal(expected, received.Headers[WebhookChannel.SignatureHeader]);
    }

    [Fact]
    public async Task Channel_filters_by_type_and_minimum_priority()
    {
        await _desk.AddChannelAsync(_user, new("Urgent errors", ChannelKind.Webhook, Url: _receiver.Url("urgent"),
            Types: [NotificationType.Error], MinPriority: NotificationPriority.Urgent));
        await _desk.AddChannelAsync(_user, new("Everything", ChannelKind.Webhook, Url: _receiver.Url("all")));

        await _desk.NotifyAsync("info urgent", NotificationType.Info, NotificationPriority.Urgent);
        await _desk.NotifyAsync("error high", NotificationType.Error, NotificationPriority.High);
        await _desk.NotifyAsync("error urgent", NotificationType.Error, NotificationPriority.Urgent);
        await _desk.SendDueAsync();

        Assert.Equal(["error urgent"], _receiver.To("urgent").Select(r => (string)r.Json["title"]!));
        Assert.Equal(3, _receiver.To("all").Count);
    }

    [Fact]
    public async Task Channel_turned_off_or_of_a_deactivated_person_gets_no_delivery()
    {
        var gone = await _desk.AddUserAsync("gone@desk.test", deactivated: true);
        await _desk.AddChannelAsync(gone, new("Gone", ChannelKind.Webhook, Url: _receiver.Url("gone")));
        await _desk.AddChannelAsync(_user, new("Off", ChannelKind.Webhook, Url: _receiver.Url("off"), Enabled: false));
        await _desk.AddChannelAsync(_user, new("On", ChannelKind.Webhook, Url: _receiver.Url("on")));

        await _desk.NotifyAsync("Something");
        await _desk.SendDueAsync();

        Assert.Equal(["On"], (await _desk.DeliveriesAsync()).Select(d => d.Channel!.Name));
        Assert.Equal(["on"], _receiver.Requests.Select(r => r.Name));
    }

    [Fact]
    public async Task Channel_deliveries_are_written_with_the_notification_and_a_repeat_adds_none()
    {
        await _desk.AddChannelAsync(_user, new("Hook", ChannelKind.Webhook, Url: _receiver.Url("hook")));
        var id = Guid.NewGuid();

        await _desk.Get<NotificationService>().CreateAsync(new NewNotification("Once", "m", Id: id), CancellationToken.None);
        var delivery = Assert.Single(await _desk.DeliveriesAsync());
        Assert.Equal((id, DeliveryStatus.Pending, 0), (delivery.NotificationId, delivery.Status, delivery.Attempts));

        await _desk.Get<NotificationService>().CreateAsync(new NewNotification("Once", "m", Id: id), CancellationToken.None);
        Assert.Single(await _desk.DeliveriesAsync());
    }

    [Fact]
    public async Task Channel_email_goes_through_the_channels_smtp_connection_or_the_desks_default()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await _desk.CreateAsync("mail", "smtp", Sender(smtp.Port));
        await _desk.AddChannelAsync(_user, new("Mail me", ChannelKind.Email, Address: "ops@example.com", Connection: "mail"));
        var byDefault = await _desk.AddChannelAsync(_user, new("Default mail", ChannelKind.Email, Address: "boss@example.com"));

        await _desk.NotifyAsync("Nightly import failed", NotificationType.Error, NotificationPriority.Urgent);
        await _desk.SendDueAsync();

        var deliveries = (await _desk.DeliveriesAsync()).ToDictionary(d => d.Channel!.Name);
        Assert.Equal(DeliveryStatus.Sent, deliveries["Mail me"].Status);
        var mail = Assert.Single(smtp.Accepted);
        Assert.Equal(["ops@example.com"], mail.Recipients);
        Assert.Equal("[Urgent] Nightly import failed", mail.Message.Subject);
        Assert.Contains("the run failed", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Failed, deliveries["Default mail"].Status);
        Assert.Contains("No email connection", deliveries["Default mail"].LastError, StringComparison.Ordinal);

        await _desk.Get<DeskSettings>().SetAsync(DeskSettings.EmailDefaultConnection, "mail", AutomationDesk.Core.Auditing.Actor.System, CancellationToken.None);
        var test = await _desk.Get<ChannelDeliveries>().TestAsync(_user, byDefault.Id, CancellationToken.None);
        Assert.NotNull(test);
        Assert.True(test.Ok, test.Detail);
        Assert.Contains(smtp.Accepted, m => m.Recipients.SequenceEqual(["boss@example.com"]));
    }

    [Fact]
    public async Task Channel_email_refused_by_the_server_for_good_fails_at_once_with_its_answer()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        smtp.Answer = _ => (554, "Transaction failed: mailbox unavailable");
        await _desk.CreateAsync("mail", "smtp", Sender(smtp.Port));
        await _desk.AddChannelAsync(_user, new("Mail me", ChannelKind.Email, Address: "ops@example.com", Connection: "mail"));

        await _desk.NotifyAsync("Mail");
        await _desk.SendDueAsync();

        var delivery = Assert.Single(await _desk.DeliveriesAsync());
        Assert.Equal((DeliveryStatus.Failed, 1), (delivery.Status, delivery.Attempts));
        Assert.Contains("mailbox unavailable", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Channel_test_sends_now_and_says_what_the_service_answered()
    {
        var hook = await _desk.AddChannelAsync(_user, new("Hook", ChannelKind.Webhook, Url: _receiver.Url("hook")));
        _receiver.Answer("gone", 404);
        var gone = await _desk.AddChannelAsync(_user, new("Gone", ChannelKind.Slack, Url: _receiver.Url("gone")));
        var stranger = await _desk.AddUserAsync("stranger@desk.test");

        var ok = await _desk.Get<ChannelDeliveries>().TestAsync(_user, hook.Id, CancellationToken.None);
        var failed = await _desk.Get<ChannelDeliveries>().TestAsync(_user, gone.Id, CancellationToken.None);

        Assert.True(ok!.Ok, ok.Detail);
        Assert.Equal("notification.test", (string)Assert.Single(_receiver.To("hook")).Json["event"]!);
        Assert.False(failed!.Ok);
        Assert.Contains("Slack answered 404", failed.Detail, StringComparison.Ordinal);
        Assert.Null(await _desk.Get<ChannelDeliveries>().TestAsync(stranger, hook.Id, CancellationToken.None));
        Assert.Empty(await _desk.DeliveriesAsync());
    }

    [Fact]
    public async Task Channel_to_an_internal_address_is_refused_even_where_steps_may_reach_internal_addresses()
    {
        // Anyone may add a channel: the internal hosts an Admin allowed for workflows (Http:*) are not the channels'.
        await using var desk = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Channels:AllowPrivateNetworks"] = "false" });
        var user = await desk.AddUserAsync("viewer@desk.test");
        await desk.AddChannelAsync(user, new("Inside", ChannelKind.Webhook, Url: _receiver.Url("inside")));

        await desk.NotifyAsync("Probe");
        await desk.SendDueAsync();

        var delivery = Assert.Single(await desk.DeliveriesAsync());
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Empty(_receiver.To("inside"));
    }

    private static System.Text.Json.Nodes.JsonObject Sender(int port)
    {
        var config = MailConnections.Server(port);
        config["from"] = "desk@example.com";
        return config;
    }
}
