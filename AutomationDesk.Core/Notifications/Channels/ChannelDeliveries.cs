using System.Security.Cryptography;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>How one delivery went, as the notification's reader sees it on their own channels.</summary>
public sealed record NotificationDeliveryView(string Channel, ChannelKind Kind, DeliveryStatus Status, int Attempts, string? Error, DateTimeOffset? SentAt);

/// <summary>The answer of "Send test": sent, or why not.</summary>
public sealed record ChannelTestResult(bool Ok, string Detail);

/// <summary>
/// Sends notifications to channels. Deliveries are planned with the notification (<see cref="Plan"/>, same save) and
/// sent here when due: a transient failure is tried again after 30 s, 2, 8 and 20 minutes (five attempts over about half
/// an hour, later when the service asks with Retry-After), a permanent one fails at once. Sends run side by side with a
/// time limit each, so a URL that never answers holds up no other delivery.
/// </summary>
public sealed class ChannelDeliveries(
    IDbContextFactory<DeskDbContext> dbFactory, NotificationChannelStore channels, IEnumerable<IChannelSender> senders,
    TimeProvider time, ILogger<ChannelDeliveries> log)
{
    public const int MaxAttempts = 5;
    public const int BatchSize = 50;
    public const int SendsAtOnce = 4;

    /// <summary>The wait after the first, second, third and fourth failed attempt.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff = [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(20)];

    /// <summary>How long a claimed delivery is someone's: a node that stops mid-send leaves it due again after this.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private readonly IReadOnlyDictionary<ChannelKind, IChannelSender> _senders = senders.ToDictionary(s => s.Kind);

    /// <summary>Raised with the notification's id when one of its deliveries was sent, failed or will be tried again.</summary>
    public event Action<Guid>? Changed;

    /// <summary>Raised when new deliveries were written, to wake the sender.</summary>
    public event Action? Queued;

    /// <summary>
    /// Adds a pending delivery for every enabled channel, of every active person, that wants the notification. The
    /// caller saves them together with the notification, so there is never a notification with half its deliveries.
    /// </summary>
    public static async Task<int> PlanAsync(DeskDbContext db, Notification notification, CancellationToken ct)
    {
        var enabled = await db.NotificationChannels.AsNoTracking()
            .Where(c => c.Enabled && db.Users.Any(u => u.Id == c.UserId && u.DeactivatedAt == null))
            .ToListAsync(ct);
        var wanted = enabled.Where(c => c.Wants(notification.Type, notification.Priority)).ToList();
        db.NotificationDeliveries.AddRange(wanted.Select(c => new NotificationDelivery
        {
            Id = Guid.CreateVersion7(notification.CreatedAt),
            NotificationId = notification.Id,
            ChannelId = c.Id,
            Status = DeliveryStatus.Pending,
            NextAttemptAt = notification.CreatedAt,
        }));
        return wanted.Count;
    }

    /// <summary>Tells the sender that deliveries were written.</summary>
    public void AnnounceQueued() => Queued?.Invoke();

    /// <summary>Sends the deliveries due now (at most <see cref="BatchSize"/>); answers how many were tried.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            due = await db.NotificationDeliveries.AsNoTracking()
                .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(BatchSize).ToListAsync(ct);
        }
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = SendsAtOnce, CancellationToken = ct },
            async (id, token) => await SendOneAsync(id, now, token));
        return due.Count;
    }

    /// <summary>Sends a test message to the person's channel now; null when they have no channel with that id.</summary>
    public async Task<ChannelTestResult?> TestAsync(string userId, Guid channelId, CancellationToken ct)
    {
        NotificationChannel? channel;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            channel = await db.NotificationChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == channelId && c.UserId == userId, ct);
        }
        if (channel is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var message = new ChannelMessage(Guid.CreateVersion7(now), Guid.Empty, "Test from AutomationDesk",
            $"If you can read this, the channel '{channel.Name}' works.", NotificationType.Info, NotificationPriority.Normal, now, null, null, Test: true);
        var error = await TrySendAsync(channel, message, ct);
        return error is null
            ? new ChannelTestResult(true, $"Sent a test message to {channel.TargetHint}.")
            : new ChannelTestResult(false, error.Message);
    }

    private async Task SendOneAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        NotificationDelivery? delivery;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var claimed = await db.NotificationDeliveries
                .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now + Lease).SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
            if (claimed == 0)
            {
                return; // Another node took it, or it was deleted with its notification.
            }
            delivery = await db.NotificationDeliveries.AsNoTracking().Include(d => d.Channel).Include(d => d.Notification)
                .SingleOrDefaultAsync(d => d.Id == id, ct);
        }
        if (delivery is not { Channel: { } channel, Notification: { } n })
        {
            return;
        }
        var error = channel.Enabled
            ? await TrySendAsync(channel, new ChannelMessage(delivery.Id, n.Id, n.Title, n.Message, n.Type, n.Priority, n.CreatedAt, n.ExecutionId, n.WorkflowId), ct)
            : new ChannelSendException("Not sent: the channel was turned off before it went out.", transient: false);
        await RecordAsync(delivery, error, ct);
        Changed?.Invoke(n.Id);
    }

    /// <summary>Sends within <see cref="SendTimeout"/>; answers null when sent, else why not.</summary>
    private async Task<ChannelSendException?> TrySendAsync(NotificationChannel channel, ChannelMessage message, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(SendTimeout);
        try
        {
            await _senders[channel.Kind].SendAsync(message, channels.TargetOf(channel), limit.Token);
            return null;
        }
        catch (ChannelSendException e)
        {
            return e;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ChannelSendException($"No answer within {SendTimeout.TotalSeconds:0} seconds.", transient: true);
        }
        catch (CryptographicException)
        {
            return new ChannelSendException("The channel's URL can no longer be read (the desk's keys changed); enter it again.", transient: false);
        }
#pragma warning disable CA1031 // Not swallowed: recorded on the delivery, which is retried; a claimed delivery must never stay unrecorded.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new ChannelSendException($"Could not send: {e.Message}", transient: true);
        }
    }

    private async Task RecordAsync(NotificationDelivery delivery, ChannelSendException? error, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var attempts = delivery.Attempts; // Read after the claim, so it counts this attempt.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = db.NotificationDeliveries.Where(d => d.Id == delivery.Id);
        if (error is null)
        {
            await row.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Sent).SetProperty(d => d.SentAt, now).SetProperty(d => d.LastError, (string?)null), ct);
            return;
        }
        var text = error.Message.Length > 1000 ? error.Message[..1000] + "…" : error.Message;
        if (!error.Transient || attempts >= MaxAttempts)
        {
            log.LogWarning("Delivery {Delivery} to channel {Channel} failed after {Attempts} attempts: {Error}", delivery.Id, delivery.ChannelId, attempts, text);
            await row.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.LastError, text), ct);
            return;
        }
        var wait = Backoff[Math.Min(attempts, Backoff.Count) - 1];
        if (error.RetryAfter is { } asked && asked > wait)
        {
            wait = asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }
        await row.ExecuteUpdateAsync(s => s.SetProperty(d => d.LastError, text).SetProperty(d => d.NextAttemptAt, now + wait), ct);
    }
}
