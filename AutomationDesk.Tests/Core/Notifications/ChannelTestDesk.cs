using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Core.Security;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Notifications;

/// <summary>What the channel tests share: people, their channels, notifications and a look at the deliveries.</summary>
public static class ChannelTestDesk
{
    public static async Task<string> AddUserAsync(this CoreDesk desk, string email, bool deactivated = false)
    {
        await using var db = desk.NewDb();
        var user = new DeskUser
        {
            Id = Guid.NewGuid().ToString(), UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(),
            DeactivatedAt = deactivated ? desk.Time.GetUtcNow() : null,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    public static Task<NotificationChannelView> AddChannelAsync(this CoreDesk desk, string userId, NotificationChannelInput input) =>
        desk.Get<NotificationChannelStore>().CreateAsync(userId, input, Actor.User("tester@desk.test"), CancellationToken.None);

    public static Task<NotificationView> NotifyAsync(
        this CoreDesk desk, string title, NotificationType type = NotificationType.Error, NotificationPriority priority = NotificationPriority.Normal) =>
        desk.Get<NotificationService>().CreateAsync(new NewNotification(title, $"{title}: the run failed", type, priority), CancellationToken.None);

    public static Task<int> SendDueAsync(this CoreDesk desk) => desk.Get<ChannelDeliveries>().SendDueAsync(CancellationToken.None);

    public static async Task<List<NotificationDelivery>> DeliveriesAsync(this CoreDesk desk)
    {
        await using var db = desk.NewDb();
        return await db.NotificationDeliveries.AsNoTracking().Include(d => d.Channel).Include(d => d.Notification).ToListAsync();
    }
}
