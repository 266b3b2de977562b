using System.Text.Json.Serialization;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>Where a channel sends: a mailbox or one of the chat and webhook services. Written in lower case in the API.</summary>
public enum ChannelKind
{
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("slack")] Slack,
    [JsonStringEnumMemberName("teams")] Teams,
    [JsonStringEnumMemberName("discord")] Discord,
    [JsonStringEnumMemberName("webhook")] Webhook,
}

/// <summary>
/// One person's way to be reached outside the desk: every notification whose type and priority it wants becomes a
/// <see cref="NotificationDelivery"/> to it. A webhook URL is a credential (whoever has it may post to the room), so it
/// is kept encrypted with the signing secret in <see cref="ProtectedSecrets"/> and shown only as <see cref="TargetHint"/>.
/// </summary>
public sealed class NotificationChannel
{
    public Guid Id { get; set; }

    /// <summary>The owner's user id (an API key acts for its owner): only they see and change the channel.</summary>
    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";
    public ChannelKind Kind { get; set; }

    /// <summary>The URL and, for a generic webhook, the signing secret: JSON encrypted by Data Protection; empty for email.</summary>
    public string ProtectedSecrets { get; set; } = "";

    /// <summary>What may be shown of the target: the address for email, scheme and host with a masked path for a URL.</summary>
    public string TargetHint { get; set; } = "";

    /// <summary>The mailbox of an email channel (not a secret).</summary>
    public string? Address { get; set; }

    /// <summary>The smtp connection of an email channel; null sends through the desk's default email connection.</summary>
    public string? ConnectionName { get; set; }

    /// <summary>The notification types wanted, comma-separated; empty wants all.</summary>
    public string Types { get; set; } = "";

    /// <summary>The lowest priority sent: <see cref="NotificationPriority.Urgent"/> sends only urgent notifications.</summary>
    public NotificationPriority MinPriority { get; set; }

    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<NotificationType> WantedTypes => Types.Length == 0
        ? []
        : Types.Split(',').Select(t => Enum.TryParse<NotificationType>(t, out var type) ? (NotificationType?)type : null).OfType<NotificationType>().ToList();

    public static string WriteTypes(IEnumerable<NotificationType> types) => string.Join(",", types.Distinct().Order());

    /// <summary>Whether a notification of this type and priority goes to the channel (enabled or not).</summary>
    public bool Wants(NotificationType type, NotificationPriority priority) =>
        priority >= MinPriority && (Types.Length == 0 || WantedTypes.Contains(type));
}
