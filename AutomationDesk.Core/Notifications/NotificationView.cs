namespace AutomationDesk.Core.Notifications;

/// <summary>A notification for one reader: <see cref="IsRead"/> and <see cref="ReadAt"/> are that reader's.</summary>
public sealed record NotificationView(
    Guid Id, string Title, string Message, NotificationType Type, NotificationPriority Priority, bool IsRead,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, Guid? ExecutionId, Guid? WorkflowId)
{
    /// <summary>How it went to the reader's own channels; other people's channels are theirs alone.</summary>
    public IReadOnlyList<Channels.NotificationDeliveryView> Deliveries { get; init; } = [];

    /// <summary>For an approval request: which step it asks about and, once decided, the decision.</summary>
    public NotificationApproval? Approval { get; init; }

    /// <summary>A notification as nobody has read it yet, as it is announced when created.</summary>
    public static NotificationView From(Notification n) =>
        new(n.Id, n.Title, n.Message, n.Type, n.Priority, false, n.CreatedAt, null, n.ExecutionId, n.WorkflowId)
        {
            Approval = NotificationApproval.Of(n.ApprovalStepId, n.Decision, n.DecidedBy, n.DecidedAt),
        };
}

/// <summary>The approval a notification asks for: <see cref="Decision"/> (<c>approve</c>/<c>reject</c>), <see cref="DecidedBy"/> and <see cref="DecidedAt"/> are null while undecided.</summary>
public sealed record NotificationApproval(string StepId, string? Decision, string? DecidedBy, DateTimeOffset? DecidedAt)
{
    public static NotificationApproval? Of(string? stepId, string? decision, string? decidedBy, DateTimeOffset? decidedAt) =>
        stepId is null ? null : new(stepId, decision, decidedBy, decidedAt);
}
