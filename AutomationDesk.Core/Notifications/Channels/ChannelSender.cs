namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>A notification as a channel sends it; <see cref="Test"/> marks the message of "Send test".</summary>
public sealed record ChannelMessage(
    Guid DeliveryId, Guid NotificationId, string Title, string Message, NotificationType Type, NotificationPriority Priority,
    DateTimeOffset CreatedAt, Guid? ExecutionId, Guid? WorkflowId, bool Test = false)
{
    /// <summary>The first line of a chat message: the title with its type and, when raised, its priority.</summary>
    public string Headline => Priority >= NotificationPriority.High ? $"[{Priority}] {Title}" : Title;
}

/// <summary>Where one channel sends, with its credentials in clear: lives only for one send.</summary>
public sealed record ChannelTarget(string ChannelName, ChannelKind Kind, string? Url, string? SigningSecret, string? Address, string? ConnectionName);

/// <summary>Sends to one kind of channel; one implementation per <see cref="ChannelKind"/>, found by kind.</summary>
public interface IChannelSender
{
    ChannelKind Kind { get; }

    /// <summary>Sends the message or throws <see cref="ChannelSendException"/> saying why not and whether to try again.</summary>
    Task SendAsync(ChannelMessage message, ChannelTarget target, CancellationToken ct);
}

/// <summary>
/// A send that did not go through. <see cref="Transient"/> ones (no answer, 408, 429, 5xx) are tried again later,
/// not before <see cref="RetryAfter"/> when the service said so; the others (a 4xx: wrong or revoked URL) fail at once.
/// The message is shown to the channel's owner: it never holds the URL.
/// </summary>
public sealed class ChannelSendException(string message, bool transient, TimeSpan? retryAfter = null) : Exception(message)
{
    public bool Transient { get; } = transient;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
