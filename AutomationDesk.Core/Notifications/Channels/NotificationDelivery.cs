namespace AutomationDesk.Core.Notifications.Channels;

public enum DeliveryStatus { Pending, Sent, Failed }

/// <summary>
/// One notification on its way to one channel. Written with the notification (so a restart loses none) and sent by
/// <see cref="ChannelDeliveries"/>: a pending row is due at <see cref="NextAttemptAt"/>; a row being sent is claimed by
/// moving that time past the send's lease, so a node that stops mid-send leaves it due again.
/// </summary>
public sealed class NotificationDelivery
{
    public Guid Id { get; set; }
    public Guid NotificationId { get; set; }
    public Guid ChannelId { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }

    /// <summary>Why the last attempt failed, in a person's words; never the channel's URL.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    public NotificationChannel? Channel { get; set; }
    public Notification? Notification { get; set; }
}
