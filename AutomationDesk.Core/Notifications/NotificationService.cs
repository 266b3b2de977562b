using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Notifications;

public sealed record NewNotification(
    string Title, string Message, NotificationType Type = NotificationType.Info, NotificationPriority Priority = NotificationPriority.Normal,
    Guid? ExecutionId = null, Guid? WorkflowId = null, Guid? Id = null, string? ApprovalStepId = null);

/// <summary>Creates notifications, with their deliveries to the channels that want them, and announces them to the live channel.</summary>
public sealed class NotificationService(IDbContextFactory<DeskDbContext> dbFactory, IDeskEvents events, ChannelDeliveries deliveries, TimeProvider time)
{
    /// <summary>Creates a notification. With an <see cref="NewNotification.Id"/> a repeat creates nothing (safe on retry).</summary>
    public async Task<NotificationView> CreateAsync(NewNotification request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (request.Id is { } id && await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == id, ct) is { } existing)
        {
            return NotificationView.From(existing);
        }
        var notification = new Notification
        {
            Id = request.Id ?? Guid.CreateVersion7(time.GetUtcNow()),
            Title = request.Title,
            Message = request.Message,
            Type = request.Type,
            Priority = request.Priority,
            CreatedAt = time.GetUtcNow(),
            ExecutionId = request.ExecutionId,
            WorkflowId = request.WorkflowId,
            ApprovalStepId = request.ApprovalStepId,
        };
        db.Notifications.Add(notification);
        var planned = await ChannelDeliveries.PlanAsync(db, notification, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (request.Id is not null)
        {
            // The same notification (one id per run and event) was raised at the same moment elsewhere: it exists once.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            var raced = await again.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == request.Id, ct);
            if (raced is null)
            {
                throw;
            }
            return NotificationView.From(raced);
        }
        if (planned > 0)
        {
            deliveries.AnnounceQueued();
        }
        var view = NotificationView.From(notification);
        await events.NotificationCreatedAsync(view, ct);
        return view;
    }
}
