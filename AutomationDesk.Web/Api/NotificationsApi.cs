using System.Security.Claims;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Notifications;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public sealed record NotificationStats(int Total, int Unread, IReadOnlyDictionary<string, int> UnreadByType, IReadOnlyDictionary<string, int> UnreadByPriority);

public sealed record Changed(int Count);

public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/notifications").WithTags("Notifications").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists notifications, with whether you read them");
        group.MapGet("/stats", Stats).WithSummary("Counts your unread notifications");
        group.MapPost("/{id:guid}/read", Read).WithSummary("Marks a notification read for you");
        group.MapPost("/read-all", ReadAll).WithSummary("Marks all notifications read for you");
        group.MapDelete("/{id:guid}", Delete).RequireAuthorization(DeskPolicies.Write).WithSummary("Deletes a notification");
        group.MapDelete("/", DeleteAll).RequireAuthorization(DeskPolicies.Write).WithSummary("Deletes all notifications");
        return group;
    }

    static async Task<Ok<Paged<NotificationView>>> List(
        bool? unreadOnly, NotificationType? type, NotificationPriority? priority, [AsParameters] PageQuery paging,
        ClaimsPrincipal user, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        var reader = NotificationInbox.ReaderOf(user);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Notifications.AsNoTracking();
        if (unreadOnly == true)
        {
            query = query.UnreadBy(reader);
        }
        if (type is { } t)
        {
            query = query.Where(n => n.Type == t);
        }
        if (priority is { } p)
        {
            query = query.Where(n => n.Priority == p);
        }
        return TypedResults.Ok(await query.OrderByDescending(n => n.CreatedAt).ViewsFor(reader).ToPageAsync(paging, ct));
    }

    /// <summary>Counts for the caller: unread means not read by them.</summary>
    static async Task<Ok<NotificationStats>> Stats(ClaimsPrincipal user, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.Notifications.CountAsync(ct);
        var unread = await db.Notifications.UnreadBy(NotificationInbox.ReaderOf(user)).GroupBy(n => new { n.Type, n.Priority })
            .Select(g => new { g.Key.Type, g.Key.Priority, Count = g.Count() }).ToListAsync(ct);
        return TypedResults.Ok(new NotificationStats(
            total,
            unread.Sum(u => u.Count),
            unread.GroupBy(u => u.Type.ToString()).ToDictionary(g => g.Key, g => g.Sum(u => u.Count)),
            unread.GroupBy(u => u.Priority.ToString()).ToDictionary(g => g.Key, g => g.Sum(u => u.Count))));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Read(Guid id, NotificationInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        await inbox.MarkReadAsync(id, user, ct) ? TypedResults.NoContent() : Problems.NotFound("notification", id);

    /// <summary>Marks read, for the caller only, every notification the caller has not read.</summary>
    static async Task<Ok<Changed>> ReadAll(NotificationInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(new Changed(await inbox.MarkAllReadAsync(user, ct)));

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, NotificationInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        await inbox.DeleteAsync(id, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("notification", id);

    static async Task<Ok<Changed>> DeleteAll(NotificationInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(new Changed(await inbox.DeleteAllAsync(user.ToActor(), ct)));
}
