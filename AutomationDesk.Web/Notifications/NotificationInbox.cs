using System.Security.Claims;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Notifications;

/// <summary>
/// What a person does with notifications, in the browser or through the API: read them, mark them read, delete them.
/// Read state is each person's own (an API key reads as its user): marking read, even all of them, changes only the
/// caller's. Every change is audited and announced through <see cref="Changed"/>, so the bell and the notifications
/// page in every open circuit follow a read made elsewhere.
/// </summary>
public sealed class NotificationInbox(IDbContextFactory<DeskDbContext> dbFactory, Core.Auditing.AuditTrail audit, TimeProvider time)
{
    /// <summary>Raised after notifications were marked read or deleted.</summary>
    public event Action? Changed;

    /// <summary>Whose read state a signed-in caller sees and changes: their user id (a key's owner for an API key).</summary>
    public static string ReaderOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity?.Name ?? "anonymous";

    public async Task<int> UnreadCountAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.UnreadBy(ReaderOf(user)).CountAsync(ct);
    }

    public async Task<IReadOnlyList<NotificationView>> LatestAsync(ClaimsPrincipal user, int count, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.AsNoTracking().OrderByDescending(n => n.CreatedAt).Take(count).ViewsFor(ReaderOf(user)).ToListAsync(ct);
    }

    /// <summary>False when there is no such notification; reading one already read changes nothing.</summary>
    public async Task<bool> MarkReadAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var reader = ReaderOf(user);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Notifications.AnyAsync(n => n.Id == id, ct))
            {
                return false;
            }
            if (await db.NotificationReads.AnyAsync(r => r.NotificationId == id && r.UserId == reader, ct))
            {
                return true;
            }
            db.NotificationReads.Add(new NotificationRead { NotificationId = id, UserId = reader, ReadAt = time.GetUtcNow() });
            audit.Record(db, user.ToActor(), "notification.read", $"notification:{id}");
            await db.SaveChangesAsync(ct);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Marks every notification the caller has not read as read by the caller; answers how many.</summary>
    public async Task<int> MarkAllReadAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var reader = ReaderOf(user);
        var now = time.GetUtcNow();
        int count;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var transaction = await DeskDatabase.BeginWriteAsync(db, ct);
            var unread = await db.Notifications.UnreadBy(reader).Select(n => n.Id).ToListAsync(ct);
            db.NotificationReads.AddRange(unread.Select(id => new NotificationRead { NotificationId = id, UserId = reader, ReadAt = now }));
            count = unread.Count;
            audit.Record(db, user.ToActor(), "notification.read-all", "notifications", new { count });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        Changed?.Invoke();
        return count;
    }

    public async Task<bool> DeleteAsync(Guid id, Core.Auditing.Actor actor, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Notifications.SingleOrDefaultAsync(n => n.Id == id, ct) is not { } notification)
            {
                return false;
            }
            db.Notifications.Remove(notification);
            audit.Record(db, actor, "notification.delete", $"notification:{id}", new { notification.Title });
            await db.SaveChangesAsync(ct);
        }
        Changed?.Invoke();
        return true;
    }

    public async Task<int> DeleteAllAsync(Core.Auditing.Actor actor, CancellationToken ct)
    {
        int count;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var transaction = await DeskDatabase.BeginWriteAsync(db, ct);
            count = await db.Notifications.ExecuteDeleteAsync(ct);
            audit.Record(db, actor, "notification.delete-all", "notifications", new { count });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        Changed?.Invoke();
        return count;
    }
}
