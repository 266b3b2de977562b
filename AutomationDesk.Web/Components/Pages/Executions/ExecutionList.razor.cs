using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
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
    private List<ExecutionSummary> _shown = [];
    private ThrottledReload _reload = null!;
    private const string HideItemRuns = "hide";

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required LiveDeskEvents Events { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    /// <summary>A business key to filter by, as <c>name=value</c>: the run page links its keys here.</summary>
    [SupplyParameterFromQuery(Name = "key")] public string? KeyFromLink { get; set; }

    /// <summary>Statuses to show, comma-separated: the dashboard's counts link here.</summary>
    [SupplyParameterFromQuery(Name = "status")] public string? StatusFromLink { get; set; }

    /// <summary><c>hide</c> leaves foreach item runs out; the switch writes it back, so the choice survives a reload.</summary>
    [SupplyParameterFromQuery(Name = "itemRuns")] public string? ItemRunsFromLink { get; set; }

    private bool IsFiltered => _statuses.Count > 0 || _workflowId is not null || _trigger is not null || _range != TimeRange.Any
        || !string.IsNullOrWhiteSpace(_text) || _key is not null || _hideItemRuns;

    protected override async Task OnInitializedAsync()
    {
        _reload = new ThrottledReload(() => _table?.ReloadServerData() ?? Task.CompletedTask, Time, TimeSpan.FromMilliseconds(500));
        await using var db = await DbFactory.CreateDbContextAsync();
        _workflows = await ExecutionQueries.WorkflowNamesAsync(db, CancellationToken.None);
        _triggerKinds = await ExecutionQueries.TriggerKindsAsync(db, CancellationToken.None);
        if (!string.IsNullOrWhiteSpace(StatusFromLink))
        {
            _statuses = StatusFromLink.Split(',').Select(p => Enum.TryParse<ExecutionStatus>(p, true, out var s) ? (ExecutionStatus?)s : null)
                .OfType<ExecutionStatus>().ToList();
        }
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
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("itemRuns", hide ? HideItemRuns : null), replace: true);
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
public sealed record TimeRange(string Label, TimeSpan? Span)
{
    public static readonly TimeRange Any = new("Any time", null);
    public static readonly IReadOnlyList<TimeRange> All =
        [new("Last hour", TimeSpan.FromHours(1)), new("Last 24 hours", TimeSpan.FromHours(24)), new("Last 7 days", TimeSpan.FromDays(7)), new("Last 30 days", TimeSpan.FromDays(30)), Any];

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
