using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Executions;

/// <summary>Every run, newest first, filtered and paged on the server; new runs and status changes arrive live.</summary>
public sealed partial class ExecutionList : IDisposable
{
    private MudTable<ExecutionSummary>? _table;
    private List<WorkflowName> _workflows = [];
    private List<string> _triggerKinds = [];
    private IReadOnlyCollection<ExecutionStatus> _statuses = [];
    private Guid? _workflowId;
    private string? _trigger;
    private TimeRange _range = TimeRange.Any;
    private string? _text;
    private string? _keyText;
    private KeyValuePair<string, string>? _key;
    private string? _keyError;
    private bool _hideItemRuns;
    private int _pageIndex;
    private int _pageSize = 25;
    private List<ExecutionSummary> _shown = [];
    private ThrottledReload _reload = null!;
    private const string HideItemRuns = "hide";

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required LiveDeskEvents Events { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    // Every filter and the page are in the address, so a filtered view survives a reload and can be shared.

    /// <summary>A business key to filter by, as <c>name=value</c>: the run page links its keys here.</summary>
    [SupplyParameterFromQuery(Name = "key")] public string? KeyFromLink { get; set; }

    /// <summary>Statuses to show, comma-separated: the dashboard's counts link here.</summary>
    [SupplyParameterFromQuery(Name = "status")] public string? StatusFromLink { get; set; }

    /// <summary><c>hide</c> leaves foreach item runs out.</summary>
    [SupplyParameterFromQuery(Name = "itemRuns")] public string? ItemRunsFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "workflowId")] public Guid? WorkflowFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "trigger")] public string? TriggerFromLink { get; set; }

    /// <summary>How far back: <c>1h</c>, <c>24h</c>, <c>7d</c> or <c>30d</c>.</summary>
    [SupplyParameterFromQuery(Name = "range")] public string? RangeFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "q")] public string? TextFromLink { get; set; }

    /// <summary>The page shown, from 1.</summary>
    [SupplyParameterFromQuery(Name = "page")] public int? PageFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "pageSize")] public int? PageSizeFromLink { get; set; }

    private bool IsFiltered => _statuses.Count > 0 || _workflowId is not null || _trigger is not null || _range != TimeRange.Any
        || !string.IsNullOrWhiteSpace(_text) || _key is not null || _hideItemRuns;

    protected override async Task OnInitializedAsync()
    {
        _reload = new ThrottledReload(() => _table?.ReloadServerData() ?? Task.CompletedTask, Time, TimeSpan.FromMilliseconds(500));
        await using var db = await DbFactory.CreateDbContextAsync();
        _workflows = await ExecutionQueries.WorkflowNamesAsync(db, CancellationToken.None);
        _triggerKinds = await ExecutionQueries.TriggerKindsAsync(db, CancellationToken.None);
        _statuses = ListAddress.Parse<ExecutionStatus>(StatusFromLink);
        _workflowId = WorkflowFromLink;
        _trigger = string.IsNullOrWhiteSpace(TriggerFromLink) ? null : TriggerFromLink;
        _range = TimeRange.All.FirstOrDefault(r => r.Key == RangeFromLink) ?? TimeRange.Any;
        _text = TextFromLink;
        _pageIndex = Math.Max(0, (PageFromLink ?? 1) - 1);
        _pageSize = PageSizeFromLink is 25 or 50 or 100 ? PageSizeFromLink.Value : 25;
        _hideItemRuns = string.Equals(ItemRunsFromLink, HideItemRuns, StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(KeyFromLink))
        {
            ApplyKey(KeyFromLink);
        }
        Events.ExecutionChanged += OnExecutionChanged;
    }

    private async Task<TableData<ExecutionSummary>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        var filter = new ExecutionFilter(_workflowId, _statuses, _trigger, _range.Since(Time.GetUtcNow()), null, _text,
            _key is { } key ? new Dictionary<string, string> { [key.Key] = key.Value } : null, HideItemRuns: _hideItemRuns);
        await using var db = await DbFactory.CreateDbContextAsync(ct);
        var page = await ExecutionQueries.ListAsync(db, filter, new PageQuery(state.Page + 1, state.PageSize), ct);
        _shown = page.Items.ToList();
        ShowFiltersInAddress(state.Page, state.PageSize);
        return new TableData<ExecutionSummary> { Items = _shown, TotalItems = page.Total };
    }

    /// <summary>A run already on the page changes in place; anything else (a new run) reloads the page, throttled.</summary>
    private void OnExecutionChanged(ExecutionSummary execution) => _ = InvokeAsync(async () =>
    {
        var index = _shown.FindIndex(e => e.Id == execution.Id);
        if (index >= 0 && (_statuses.Count == 0 || _statuses.Contains(execution.Status)))
        {
            _shown[index] = execution;
            StateHasChanged();
            return;
        }
        if (_hideItemRuns && execution.ItemIndex is not null)
        {
            return; // A loop's thousands of item runs would reload a list that does not show them.
        }
        await ReloadAsync();
    });

    private Task ReloadAsync() => _reload.RequestAsync();

    private void ShowFiltersInAddress(int pageIndex, int pageSize) => Navigation.Show(new Dictionary<string, object?>
    {
        ["status"] = ListAddress.Join(_statuses),
        ["workflowId"] = _workflowId,
        ["trigger"] = _trigger,
        ["range"] = _range.Key,
        ["q"] = _text,
        ["key"] = _keyText,
        ["itemRuns"] = _hideItemRuns ? HideItemRuns : null,
        ["page"] = ListAddress.Page(pageIndex + 1),
        ["pageSize"] = pageSize == 25 ? null : pageSize,
    });

    private Task OnStatusesChanged(IEnumerable<ExecutionStatus>? statuses)
    {
        _statuses = statuses?.ToList() ?? [];
        return ReloadAsync();
    }

    private Task OnWorkflowChanged(Guid? workflowId)
    {
        _workflowId = workflowId;
        return ReloadAsync();
    }

    private Task OnTriggerChanged(string? trigger)
    {
        _trigger = trigger;
        return ReloadAsync();
    }

    private Task OnRangeChanged(TimeRange range)
    {
        _range = range;
        return ReloadAsync();
    }

    private Task OnTextChanged(string? text)
    {
        _text = text;
        return ReloadAsync();
    }

    private Task OnHideItemRunsChanged(bool hide)
    {
        _hideItemRuns = hide;
        return ReloadAsync();
    }

    private Task OnKeyChanged(string? text) => ApplyKey(text) ? ReloadAsync() : Task.CompletedTask;

    /// <summary>Reads <c>name=value</c>; false (with the error shown) when it is not that.</summary>
    private bool ApplyKey(string? text)
    {
        _keyText = text;
        _keyError = null;
        _key = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0)
        {
            _keyError = "Write the key as name=value, for example customer=c1.";
            return false;
        }
        _key = KeyValuePair.Create(parts[0], parts[1]);
        return true;
    }

    public void Dispose() => Events.ExecutionChanged -= OnExecutionChanged;
}

/// <summary>How far back the list looks.</summary>
/// <param name="Key">How the address names it (<c>range=24h</c>); null for any time.</param>
public sealed record TimeRange(string Label, TimeSpan? Span, string? Key)
{
    public static readonly TimeRange Any = new("Any time", null, null);
    public static readonly IReadOnlyList<TimeRange> All =
    [
        new("Last hour", TimeSpan.FromHours(1), "1h"), new("Last 24 hours", TimeSpan.FromHours(24), "24h"),
        new("Last 7 days", TimeSpan.FromDays(7), "7d"), new("Last 30 days", TimeSpan.FromDays(30), "30d"), Any,
    ];

    public DateTimeOffset? Since(DateTimeOffset now) => Span is { } span ? now - span : null;

    public override string ToString() => Label;
}

/// <summary>Durations as a person reads them.</summary>
public static class Durations
{
    public static string Describe(long? milliseconds) => milliseconds switch
    {
        null => "—",
        < 1000 => $"{milliseconds} ms",
        < 60_000 => $"{milliseconds / 1000.0:0.#} s",
        < 3_600_000 => $"{milliseconds / 60_000} min {milliseconds % 60_000 / 1000} s",
        _ => $"{milliseconds / 3_600_000} h {milliseconds % 3_600_000 / 60_000} min",
    };
}
