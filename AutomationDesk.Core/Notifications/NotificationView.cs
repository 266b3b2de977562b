namespace AutomationDesk.Core.Notifications;

public sealed record NotificationView(
    Guid Id, string Title, string Message, NotificationType Type, NotificationPriority Priority, bool IsRead,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, Guid? ExecutionId, Guid? WorkflowId)
{
    public static NotificationView From(Notification n) =>
        new(n.Id, n.Title, n.Message, n.Type, n.Priority, n.IsRead, n.CreatedAt, n.ReadAt, n.ExecutionId, n.WorkflowId);
}
