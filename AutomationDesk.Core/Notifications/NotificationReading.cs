namespace AutomationDesk.Core.Notifications;

/// <summary>Notifications as one person sees them: read or unread by that person alone, with deliveries to their channels.</summary>
public static class NotificationReading
{
    public static IQueryable<Notification> UnreadBy(this IQueryable<Notification> notifications, string userId) =>
        notifications.Where(n => !n.Reads.Any(r => r.UserId == userId));

    public static IQueryable<NotificationView> ViewsFor(this IQueryable<Notification> notifications, string userId) =>
        notifications.Select(n => new NotificationView(
            n.Id, n.Title, n.Message, n.Type, n.Priority, n.Reads.Any(r => r.UserId == userId), n.CreatedAt,
            n.Reads.Where(r => r.UserId == userId).Select(r => (DateTimeOffset?)r.ReadAt).FirstOrDefault(), n.ExecutionId, n.WorkflowId)
        {
            Deliveries = n.Deliveries.Where(d => d.Channel!.UserId == userId).OrderBy(d => d.Channel!.Name)
                .Select(d => new Channels.NotificationDeliveryView(d.Channel!.Name, d.Channel.Kind, d.Status, d.Attempts, d.LastError, d.SentAt)).ToList(),
            Approval = NotificationApproval.Of(n.ApprovalStepId, n.Decision, n.DecidedBy, n.DecidedAt),
        });
}
