namespace AutomationDesk.Core.Notifications;

public enum NotificationType { Info, Success, Warning, Error }

public enum NotificationPriority { Low, Normal, High, Urgent }

public sealed class Notification
{
    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public string Message { get; set; } = "";
    public NotificationType Type { get; set; }
    public NotificationPriority Priority { get; set; }
    public bool IsRead { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
    public Guid? ExecutionId { get; set; }
    public Guid? WorkflowId { get; set; }
}
