namespace AutomationDesk.Core.Notifications;

/// <summary>A notification for one reader: <see cref="IsRead"/> and <see cref="ReadAt"/> are that reader's.</summary>
public sealed record NotificationView(
    Guid Id, string Title, string Message, NotificationType Type, NotificationPriority Priority, bool IsRead,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, Guid? ExecutionId, Guid? WorkflowId)
{
    /// <summary>How it went to the reader's own channels; other people's channels are theirs alone.</summary>
    public IReadOnlyList<Channels.NotificationDeliveryView> Deliveries { get; init; } = [];

    /// <summary>A notification as nobody has read it yet, as it is announced when created.</summary>
    public static NotificationView From(Notification n) =>
        new(n.Id, n.Title, n.Message, n.Type, n.Priority, false, n.CreatedAt, null, n.ExecutionId, n.WorkflowId);
}
