namespace AutomationDesk.Core.Notifications;

/// <summary>One person has read one notification; another person's "read all" leaves theirs unread.</summary>
public sealed class NotificationRead
{
    public Guid NotificationId { get; set; }

    /// <summary>The reader's user id; an API key reads as the user who owns it.</summary>
    public string UserId { get; set; } = "";

    public DateTimeOffset ReadAt { get; set; }
}
