using System.Globalization;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The editor's Analytics tab. The editor keeps its tabs alive, so the figures are read only once the tab is first
/// shown (<see cref="Active"/>), and again when the window changes.
/// </summary>
public sealed partial class WorkflowAnalytics
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    [Parameter, EditorRequired] public Guid WorkflowId { get; set; }

    /// <summary>True while the tab is shown.</summary>
    [Parameter] public bool Active { get; set; }

    private string _window = WorkflowStatsQueries.DefaultWindow;
    private bool _loading;
    private WorkflowStats? _stats;
    private List<ChartSeries<double>> _perDay = [];
    private string[] _dayLabels = [];
    private StackedBarChartOptions _perDayOptions = new();
    private List<ChartSeries<double>> _trend = [];
    private string[] _trendLabels = [];

    protected override async Task OnParametersSetAsync()
    {
        if (Active && _stats is null && !_loading)
        {
            await LoadAsync();
        }
    }

    private async Task ChangeWindowAsync(string window)
    {
        _window = window;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        StateHasChanged();
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _stats = await WorkflowStatsQueries.StatsAsync(db, WorkflowId, _window, Time.GetUtcNow(), CancellationToken.None);
        }
        _loading = false;
        if (_stats is { } stats)
        {
            Draw(stats);
        }
    }

    private void Draw(WorkflowStats stats)
    {
        // A label every few days keeps 90 of them readable.
        var every = Math.Max(1, stats.PerDay.Count / 10);
        _dayLabels = stats.PerDay.Select((d, i) => i % every == 0 ? d.Date[5..] : "").ToArray();
        _perDay =
        [
            Series("Succeeded", stats.PerDay.Select(d => d.Succeeded)),
            Series("Failed", stats.PerDay.Select(d => d.Failed)),
            Series("Other", stats.PerDay.Select(d => d.Other)),
        ];
        _perDayOptions = new StackedBarChartOptions
        {
            ChartPalette =
            [
                RunStatusColors.CssOf(ExecutionStatus.Succeeded),
                RunStatusColors.CssOf(ExecutionStatus.Failed),
                RunStatusColors.CssOf(ExecutionStatus.Cancelled),
            ],
        };
        var timed = stats.PerDay.Where(d => d.P50Ms is not null).ToList();
        _trendLabels = timed.Select(d => d.Date[5..]).ToArray();
        _trend =
        [
            new ChartSeries<double> { Name = "p50", Data = new ChartData<double>(timed.Select(d => (double)d.P50Ms!.Value).ToArray()) },
            new ChartSeries<double> { Name = "p95", Data = new ChartData<double>(timed.Select(d => (double)d.P95Ms!.Value).ToArray()) },
        ];
    }

    private static ChartSeries<double> Series(string name, IEnumerable<int> counts) =>
        new() { Name = name, Data = new ChartData<double>(counts.Select(c => (double)c).ToArray()) };

    private static string Percent(double? rate) => rate is { } r ? r.ToString("P0", Invariant) : "–";

    private static string Millis(long? ms) => ms switch
    {
        null => "–",
        < 1000 => $"{ms} ms",
        < 60_000 => (ms.Value / 1000.0).ToString("0.0 s", Invariant),
        _ => (ms.Value / 60_000.0).ToString("0.0 min", Invariant),
    };
}
