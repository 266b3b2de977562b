using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Pages.Inbox;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Webhooks;

/// <summary>
/// Requests to the webhook receivers, newest first, filtered and paged on the server. A stored request (webhook feed)
/// or a run's change (its event shows the runs it started) reloads the page, throttled.
/// </summary>
public sealed partial class WebhookEventList : IDisposable
{
    public const int PageSize = 25;

    private Paged<WebhookEventSummary>? _events;
    private IReadOnlyList<WorkflowOption> _workflows = [];
    private IReadOnlyList<string> _sources = [];
    private Dictionary<Guid, string> _names = [];
    private Guid? _workflowId;
    private string? _source;
    private string? _status;
    private string? _search;
    private int _page = 1;
    private ThrottledReload _reload = null!;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required WebhookEventFeed Feed { get; init; }
    [Inject] public required LiveDeskEvents Events { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    // Every filter and the page are in the address, so a filtered view survives a reload and can be shared.

    /// <summary>A workflow to show the requests of: the editor links here.</summary>
    [SupplyParameterFromQuery(Name = "workflowId")] public Guid? WorkflowFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "source")] public string? SourceFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "status")] public string? StatusFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "q")] public string? SearchFromLink { get; set; }

    /// <summary>The page shown, from 1.</summary>
    [SupplyParameterFromQuery(Name = "page")] public int? PageFromLink { get; set; }

    private bool IsFiltered => _workflowId is not null || _source is not null || _status is not null || !string.IsNullOrWhiteSpace(_search);

    protected override async Task OnInitializedAsync()
    {
        _workflowId = WorkflowFromLink;
        _source = string.IsNullOrWhiteSpace(SourceFromLink) ? null : SourceFromLink;
        _status = WebhookEventsApi.Statuses.FirstOrDefault(s => string.Equals(s, StatusFromLink, StringComparison.OrdinalIgnoreCase));
        _search = SearchFromLink;
        _page = Math.Max(1, PageFromLink ?? 1);
        _reload = new ThrottledReload(LoadAsync, Time, TimeSpan.FromMilliseconds(500));
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _workflows = await db.Workflows.AsNoTracking().Where(w => w.TriggerType == TriggerTypes.Webhook)
                .OrderBy(w => w.Name).Select(w => new WorkflowOption(w.Id, w.Name)).ToListAsync();
            _sources = await db.InboxSources.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync();
        }
        Feed.Stored += OnStored;
        Events.ExecutionChanged += OnExecutionChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var events = await WebhookEventsApi.ListAsync(db, _source, _workflowId, _status, _search, new PageQuery(_page, PageSize), CancellationToken.None);
        if (events.Items.Count == 0 && _page > 1)
        {
            _page = ListPager.PageCountOf(events.Total, PageSize);
            events = await WebhookEventsApi.ListAsync(db, _source, _workflowId, _status, _search, new PageQuery(_page, PageSize), CancellationToken.None);
        }
        var ids = events.Items.Select(e => e.WorkflowId).OfType<Guid>().Distinct().ToList();
        _names = await db.Workflows.AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Name);
        _events = events;
        StateHasChanged();
    }

    private void OnStored(Guid eventId) => _ = InvokeAsync(_reload.RequestAsync);

    private void OnExecutionChanged(ExecutionSummary execution) => _ = InvokeAsync(_reload.RequestAsync);

    private Task FilterByWorkflowAsync(Guid? workflowId)
    {
        _workflowId = workflowId;
        return FirstPageAsync();
    }

    private Task FilterBySourceAsync(string? source)
    {
        _source = source;
        return FirstPageAsync();
    }

    private Task FilterByStatusAsync(string? status)
    {
        _status = status;
        return FirstPageAsync();
    }

    private Task SearchAsync(string? search)
    {
        _search = search;
        return FirstPageAsync();
    }

    private Task FirstPageAsync() => PageAsync(1);

    private Task PageAsync(int page)
    {
        _page = page;
        Navigation.Show(new Dictionary<string, object?>
        {
            ["workflowId"] = _workflowId, ["source"] = _source, ["status"] = _status, ["q"] = _search, ["page"] = ListAddress.Page(_page),
        });
        return LoadAsync();
    }

    public void Dispose()
    {
        Feed.Stored -= OnStored;
        Events.ExecutionChanged -= OnExecutionChanged;
    }
}
