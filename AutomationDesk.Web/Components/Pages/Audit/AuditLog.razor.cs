using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Audit;

public sealed partial class AuditLog
{
    public const int PageSize = 50;

    private Paged<AuditEvent>? _page;
    private AuditFilter _filter = new();
    private IReadOnlyList<string> _actions = [];
    private Dictionary<string, AuditTargetLink> _links = [];
    private string? _error;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required NavigationManager Navigation { get; init; }

    // Every filter and the page are in the address, so a filtered view survives a reload and can be shared.
    [SupplyParameterFromQuery(Name = "actor")] public string? ActorFromLink { get; set; }

    /// <summary>Actions to show, e.g. <c>action=secret.update&amp;action=secret.delete</c>.</summary>
    [SupplyParameterFromQuery(Name = "action")] public string[]? ActionsFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "target")] public string? TargetFromLink { get; set; }

    /// <summary>First day shown, <c>yyyy-MM-dd</c> (UTC).</summary>
    [SupplyParameterFromQuery(Name = "from")] public string? FromLink { get; set; }

    /// <summary>Last day shown, <c>yyyy-MM-dd</c> (UTC, inclusive).</summary>
    [SupplyParameterFromQuery(Name = "to")] public string? ToLink { get; set; }

    [SupplyParameterFromQuery(Name = "page")] public int? PageFromLink { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _filter = new AuditFilter(ActorFromLink, ActionsFromLink ?? [], TargetFromLink, Day(FromLink), Day(ToLink));
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _actions = await db.AuditEvents.AsNoTracking().Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync();
        }
        await LoadAsync(Math.Max(1, PageFromLink ?? 1));
    }

    private static DateTime? Day(string? text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day) ? day : null;

    private static string? DayText(DateTime? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private Task FilterAsync(AuditFilter filter)
    {
        _filter = filter;
        return PageChangedAsync(1);
    }

    private Task PageChangedAsync(int page)
    {
        Navigation.Show(new Dictionary<string, object?>
        {
            ["actor"] = _filter.Actor, ["action"] = _filter.Actions.ToArray(), ["target"] = _filter.Target,
            ["from"] = DayText(_filter.From), ["to"] = DayText(_filter.To), ["page"] = ListAddress.Page(page),
        });
        return LoadAsync(page);
    }

    private async Task LoadAsync(int page)
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
        _links = await AuditTargetLink.ResolveAsync(db, _page.Items.Select(e => e.Target), CancellationToken.None);
    }
}

/// <summary>The audit log's filters. Dates are whole UTC days; the 'To' day is included.</summary>
public sealed record AuditFilter(string? Actor, IReadOnlyList<string> Actions, string? Target = null, DateTime? From = null, DateTime? To = null)
{
    public AuditFilter() : this(null, [])
    {
    }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Actor) && Actions.Count == 0 && string.IsNullOrWhiteSpace(Target) && From is null && To is null;

    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> query)
    {
        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var pattern = Like.Contains(Actor);
            query = query.Where(a => EF.Functions.Like(a.Actor, pattern, Like.Escape));
        }
        if (Actions.Count > 0)
        {
            var actions = Actions.ToList();
            query = query.Where(a => actions.Contains(a.Action));
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
