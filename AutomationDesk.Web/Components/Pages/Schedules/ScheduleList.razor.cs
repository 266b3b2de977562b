using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Schedules;

public sealed partial class ScheduleList : IDisposable
{
    public const int PageSize = 20;

    private IReadOnlyList<ScheduleView>? _items;
    private int _total;
    private int _pageNumber = 1;
    private string? _search;
    private ThrottledReload _reload = null!;

    [Inject] public required ScheduleOverview Overview { get; set; }
    [Inject] public required ScheduleActions Actions { get; set; }
    [Inject] public required LiveDeskEvents Events { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }
    [Inject] public required TimeProvider Time { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private bool Filtered => !string.IsNullOrWhiteSpace(_search);

    protected override async Task OnInitializedAsync()
    {
        _reload = new ThrottledReload(ReloadAsync, Time, TimeSpan.FromMilliseconds(500));
        Events.ScheduleChanged += OnScheduleChanged;
        Events.ExecutionChanged += OnExecutionChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        (_items, _total) = await Overview.ListAsync(_search, _pageNumber, PageSize, CancellationToken.None);
        if (_items.Count == 0 && _pageNumber > 1)
        {
            _pageNumber = ListPager.PageCountOf(_total, PageSize);
            (_items, _total) = await Overview.ListAsync(_search, _pageNumber, PageSize, CancellationToken.None);
        }
    }

    private Task SearchAsync(string? search)
    {
        _search = search;
        return PageChangedAsync(1);
    }

    private async Task PageChangedAsync(int page)
    {
        _pageNumber = page;
        await LoadAsync();
    }

    private async Task SetPausedAsync(ScheduleView schedule, bool paused)
    {
        var actor = (await AuthenticationState).User.ToActor();
        if (await Actions.SetPausedAsync(schedule.WorkflowId, paused, actor, CancellationToken.None) is null)
        {
            Snackbar.Add($"'{schedule.WorkflowName}' is no longer a schedule.", Severity.Warning);
        }
        await LoadAsync();
    }

    private async Task RunNowAsync(ScheduleView schedule)
    {
        try
        {
            var actor = (await AuthenticationState).User.ToActor();
            if (await Actions.RunNowAsync(schedule.WorkflowId, actor, CancellationToken.None) is { } started)
            {
                Snackbar.AddRunStarted(schedule.WorkflowName, started.Id, Navigation);
            }
        }
        catch (DeskProblemException e)
        {
            Snackbar.Add($"{e.Title}: {e.Message}", Severity.Warning);
        }
        await LoadAsync();
    }

    private void OnScheduleChanged(ScheduleView schedule) => _ = InvokeAsync(_reload.RequestAsync);

    private void OnExecutionChanged(ExecutionSummary execution)
    {
        if (execution.TriggerKind is Core.Workflows.TriggerTypes.Schedule or Core.Workflows.TriggerTypes.Email or Core.Workflows.TriggerTypes.File
            && _items?.Any(s => s.WorkflowId == execution.WorkflowId) == true)
        {
            _ = InvokeAsync(_reload.RequestAsync);
        }
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    public void Dispose()
    {
        Events.ScheduleChanged -= OnScheduleChanged;
        Events.ExecutionChanged -= OnExecutionChanged;
    }
}
