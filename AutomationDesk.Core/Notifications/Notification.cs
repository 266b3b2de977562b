namespace AutomationDesk.Core.Notifications;

public enum NotificationType { Info, Success, Warning, Error }

public enum NotificationPriority { Low, Normal, High, Urgent }

/// <summary>A message for everyone at the desk. Whether it was read is each person's own (<see cref="NotificationRead"/>).</summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public string Message { get; set; } = "";
    public NotificationType Type { get; set; }
    public NotificationPriority Priority { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? ExecutionId { get; set; }
    public Guid? WorkflowId { get; set; }

    /// <summary>For an approval request: the approval step of <see cref="ExecutionId"/> it asks about.</summary>
    public string? ApprovalStepId { get; set; }

    /// <summary>How the approval was decided (<c>approve</c> or <c>reject</c>), by whom and when: the request's readers see who decided.</summary>
    public string? Decision { get; set; }

    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    public List<NotificationRead> Reads { get; set; } = [];

    /// <summary>Its way to people's channels (see <see cref="Channels.ChannelDeliveries"/>).</summary>
    public List<Channels.NotificationDelivery> Deliveries { get; set; } = [];
}
