using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Audit;

public sealed partial class AuditLog
{
    public const int PageSize = 50;

    private Paged<AuditEvent>? _page;
    private AuditFilter _filter = new();
    private string? _error;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }

    protected override Task OnInitializedAsync() => PageChangedAsync(1);

    private Task FilterAsync(AuditFilter filter)
    {
        _filter = filter;
        return PageChangedAsync(1);
    }

    private async Task PageChangedAsync(int page)
    {
        if (_filter.From is { } from && _filter.To is { } to && to < from)
        {
            _error = $"The time range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}): pick a 'To' date on or after 'From'.";
            return;
        }
        _error = null;
        await using var db = await DbFactory.CreateDbContextAsync();
        _page = await _filter.Apply(db.AuditEvents.AsNoTracking()).OrderByDescending(a => a.Id)
            .ToPageAsync(new PageQuery(page, PageSize), CancellationToken.None);
    }
}

/// <summary>The audit log's filters. Dates are whole UTC days; the 'To' day is included.</summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, string? Target = null, DateTime? From = null, DateTime? To = null)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Actor) && string.IsNullOrWhiteSpace(Action) && string.IsNullOrWhiteSpace(Target) && From is null && To is null;

    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> query)
    {
        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var pattern = Like.Contains(Actor);
            query = query.Where(a => EF.Functions.Like(a.Actor, pattern, Like.Escape));
        }
        if (!string.IsNullOrWhiteSpace(Action))
        {
            // "secret." or "secret" finds every secret action; "secret.delete" finds that one.
            var action = Action.Trim();
            query = action.EndsWith('.') || !action.Contains('.', StringComparison.Ordinal)
                ? query.Where(a => a.Action.StartsWith(action))
                : query.Where(a => a.Action == action);
        }
        if (!string.IsNullOrWhiteSpace(Target))
        {
            var pattern = Like.Contains(Target);
            query = query.Where(a => EF.Functions.Like(a.Target, pattern, Like.Escape));
        }
        if (From is { } from)
        {
            var start = new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc));
            query = query.Where(a => a.Time >= start);
        }
        if (To is { } to)
        {
            var end = new DateTimeOffset(DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc));
            query = query.Where(a => a.Time < end);
        }
        return query;
    }
}
