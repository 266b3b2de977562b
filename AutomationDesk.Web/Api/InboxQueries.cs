using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>One request an inbox source received, as the events list shows it.</summary>
public sealed record InboxEventView(
    Guid Id, DateTimeOffset ReceivedAt, string Source, string? EventType, string Status, int StatusCode, string? Reason, IReadOnlyList<Guid> ExecutionIds);

/// <summary>The inbox events list, shared by the API and the inbox page: newest first.</summary>
public static class InboxQueries
{
    /// <summary><paramref name="source"/> and <paramref name="eventType"/> match exactly; <paramref name="text"/> is found in either.</summary>
    public static IQueryable<InboxEventView> Events(DeskDbContext db, string? source, string? eventType, string? text = null)
    {
        var query = db.WebhookEvents.AsNoTracking().Where(e => e.InboxSource != null);
        if (!string.IsNullOrWhiteSpace(source))
        {
            query = query.Where(e => e.InboxSource == source);
        }
        if (!string.IsNullOrWhiteSpace(eventType))
        {
            query = query.Where(e => e.EventType == eventType);
        }
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = Like.Contains(text);
            query = query.Where(e => EF.Functions.Like(e.InboxSource!, pattern, Like.Escape) || EF.Functions.Like(e.EventType ?? "", pattern, Like.Escape));
        }
        return query
            .OrderByDescending(e => e.ReceivedAt)
            .Select(e => new InboxEventView(e.Id, e.ReceivedAt, e.InboxSource!, e.EventType, e.Status, e.StatusCode, e.Reason, e.ExecutionIds));
    }
}
