using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Notifications;

/// <summary>Transient failures are tried again with backoff on the desk's clock; permanent ones fail at once.</summary>
public sealed class NotificationChannelRetryTests : IAsyncLifetime
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
    public async Task Channel_500_then_200_is_tried_again_after_the_backoff_and_sent()
    {
        _receiver.Answer("flaky", 500);
        await _desk.AddChannelAsync(_user, new("Flaky", ChannelKind.Slack, Url: _receiver.Url("flaky")));
        await _desk.NotifyAsync("Retry me");
        var first = _desk.Time.GetUtcNow();

        await _desk.SendDueAsync();
        var waiting = Assert.Single(await _desk.DeliveriesAsync());
        Assert.Equal((DeliveryStatus.Pending, 1), (waiting.Status, waiting.Attempts));
        Assert.Contains("Slack answered 500", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(first + ChannelDeliveries.Backoff[0], waiting.NextAttemptAt);

        _desk.Time.Advance(ChannelDeliveries.Backoff[0] - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _desk.SendDueAsync());
        Assert.Single(_receiver.To("flaky"));

        _desk.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _desk.SendDueAsync());
        var sent = Assert.Single(await _desk.DeliveriesAsync());
        Assert.Equal((DeliveryStatus.Sent, 2, null), (sent.Status, sent.Attempts, sent.LastError));
        Assert.Equal(2, _receiver.To("flaky").Count);
    }

    [Fact]
    public async Task Channel_429_waits_as_long_as_Retry_After_asks()
    {
        _receiver.Answer("busy", 429, retryAfter: "300");
        await _desk.AddChannelAsync(_user, new("Busy", ChannelKind.Discord, Url: _receiver.Url("busy")));
        await _desk.NotifyAsync("Slow down");

        await _desk.SendDueAsync();

        var waiting = Assert.Single(await _desk.DeliveriesAsync());
        Assert.Equal(DeliveryStatus.Pending, waiting.Status);
        Assert.Equal(_desk.Time.GetUtcNow() + TimeSpan.FromSeconds(300), waiting.NextAttemptAt);
    }

    [Fact]
    public async Task Channel_404_fails_at_once_without_a_retry()
    {
        _receiver.Answer("removed", 404);
        await _desk.AddChannelAsync(_user, new("Removed", ChannelKind.Teams, Url: _receiver.Url("removed")));
        await _desk.NotifyAsync("Nobody home");

        await _desk.SendDueAsync();
        _desk.Time.Advance(TimeSpan.FromHours(2));
        await _desk.SendDueAsync();

        var failed = Assert.Single(await _desk.DeliveriesAsync());
        Assert.Equal((DeliveryStatus.Failed, 1), (failed.Status, failed.Attempts));
        Assert.Contains("Teams answered 404", failed.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("/hooks/removed", failed.LastError, StringComparison.Ordinal);
        Assert.Single(_receiver.To("removed"));
    }

    [Fact]
    public async Task Channel_gives_up_after_the_last_attempt()
    {
        for (var i = 0; i < ChannelDeliveries.MaxAttempts + 1; i++)
        {
            _receiver.Answer("down", 503);
        }
        await _desk.AddChannelAsync(_user, new("Down", ChannelKind.Webhook, Url: _receiver.Url("down")));
        await _desk.NotifyAsync("Never");

        for (var i = 0; i < ChannelDeliveries.MaxAttempts + 1; i++)
        {
            await _desk.SendDueAsync();
            _desk.Time.Advance(TimeSpan.FromMinutes(30));
        }

        var failed = Assert.Single(await _desk.DeliveriesAsync());
        Assert.Equal((DeliveryStatus.Failed, ChannelDeliveries.MaxAttempts), (failed.Status, failed.Attempts));
        Assert.Equal(ChannelDeliveries.MaxAttempts, _receiver.To("down").Count);
        // The same delivery id on every attempt, so a receiver can drop repeats.
        Assert.Single(_receiver.To("down").Select(r => r.Headers[WebhookChannel.DeliveryHeader]).Distinct());
    }

    [Fact]
    public async Task Channel_whose_host_does_not_answer_holds_up_no_other_delivery()
    {
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        await _desk.AddChannelAsync(_user, new("Dead", ChannelKind.Slack, Url: $"http://127.0.0.1:{closedPort}/services/T000/B000/XXXX"));
        await _desk.AddChannelAsync(_user, new("Alive", ChannelKind.Slack, Url: _receiver.Url("alive")));

        await _desk.NotifyAsync("Both");
        await _desk.SendDueAsync();

        var deliveries = (await _desk.DeliveriesAsync()).ToDictionary(d => d.Channel!.Name);
        Assert.Equal(DeliveryStatus.Sent, deliveries["Alive"].Status);
        Assert.Equal(DeliveryStatus.Pending, deliveries["Dead"].Status);
        Assert.Contains("Could not reach Slack at http://127.0.0.1", deliveries["Dead"].LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("XXXX", deliveries["Dead"].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Channel_delivery_claimed_by_a_node_that_stopped_is_sent_after_the_lease()
    {
        await _desk.AddChannelAsync(_user, new("Hook", ChannelKind.Webhook, Url: _receiver.Url("hook")));
        await _desk.NotifyAsync("Left behind");
        var now = _desk.Time.GetUtcNow();
        await using (var db = _desk.NewDb())
        {
            // What a node leaves when it stops between its claim and its answer.
            var row = db.NotificationDeliveries.Single();
            row.Attempts = 1;
            row.NextAttemptAt = now + ChannelDeliveries.Lease;
            await db.SaveChangesAsync();
        }

        Assert.Equal(0, await _desk.SendDueAsync());
        _desk.Time.Advance(ChannelDeliveries.Lease);
        Assert.Equal(1, await _desk.SendDueAsync());

        Assert.Equal(DeliveryStatus.Sent, Assert.Single(await _desk.DeliveriesAsync()).Status);
    }
}
