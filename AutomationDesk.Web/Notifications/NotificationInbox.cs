using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Notifications;

/// <summary>
/// What a person does with notifications, in the browser or through the API: read them, mark them read, delete them. Every change is
/// audited and announced through <see cref="Changed"/>, so the bell and the notifications page in every open circuit
/// follow a read made elsewhere.
/// </summary>
public sealed class NotificationInbox(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, TimeProvider time)
{
    /// <summary>Raised after notifications were marked read or deleted.</summary>
    public event Action? Changed;

    public async Task<int> UnreadCountAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.CountAsync(n => !n.IsRead, ct);
    }

    public async Task<IReadOnlyList<NotificationView>> LatestAsync(int count, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.AsNoTracking().OrderByDescending(n => n.CreatedAt).Take(count)
            .Select(n => new NotificationView(n.Id, n.Title, n.Message, n.Type, n.Priority, n.IsRead, n.CreatedAt, n.ReadAt, n.ExecutionId, n.WorkflowId))
            .ToListAsync(ct);
    }

    /// <summary>False when there is no such notification; reading a read one changes nothing.</summary>
    public async Task<bool> MarkReadAsync(Guid id, Actor actor, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Notifications.SingleOrDefaultAsync(n => n.Id == id, ct) is not { } notification)
            {
                return false;
            }
            if (notification.IsRead)
            {
                return true;
            }
            notification.IsRead = true;
            notification.ReadAt = time.GetUtcNow();
            audit.Record(db, actor, "notification.read", $"notification:{id}");
            await db.SaveChangesAsync(ct);
        }
        Changed?.Invoke();
        return true;
    }

    public async Task<int> MarkAllReadAsync(Actor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        int count;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var transaction = await DeskDatabase.BeginWriteAsync(db, ct);
            count = await db.Notifications.Where(n => !n.IsRead)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsRead, true).SetProperty(n => n.ReadAt, now), ct);
            audit.Record(db, actor, "notification.read-all", "notifications", new { count });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        Changed?.Invoke();
        return count;
    }

    public async Task<bool> DeleteAsync(Guid id, Actor actor, CancellationToken ct)
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

    public async Task<int> DeleteAllAsync(Actor actor, CancellationToken ct)
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
