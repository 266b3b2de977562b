using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Hubs;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Executions;

/// <summary>One run: header, step timeline, inputs and outputs, errors and logs, all following the run live.</summary>
public sealed partial class RunPage : IDisposable
{
    private ExecutionDetail? _run;
    private List<Guid> _children = [];
    private RunOrigin? _origin;
    private List<StepRunView> _steps = [];
    private IReadOnlyDictionary<string, StepPlace> _places = new Dictionary<string, StepPlace>();
    private bool _loading = true;
    private int _version;
    private ThrottledReload _reload = null!;
    private Guid _shownId;

    [Parameter] public Guid Id { get; set; }

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required LiveDeskEvents Events { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected override void OnInitialized()
    {
        _reload = new ThrottledReload(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }, Time, TimeSpan.FromMilliseconds(300));
        Events.ExecutionChanged += OnExecutionChanged;
        Events.StepChanged += OnStepChanged;
    }

    /// <summary>
    /// A link from one run to another (a loop's item run, the parent run) keeps this page and changes only its Id, so
    /// the run is read here, again whenever the Id is another one.
    /// </summary>
    protected override async Task OnParametersSetAsync()
    {
        if (Id == _shownId)
        {
            return;
        }
        _shownId = Id;
        _origin = null;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _places = await ExecutionQueries.StepGraphAsync(db, Id, CancellationToken.None);
        }
        await LoadAsync();
        _loading = false;
    }

    private async Task LoadAsync()
    {
        _run = await ExecutionsApi.LoadDetailAsync(DbFactory, Id, CancellationToken.None);
        _steps = _run?.Steps.ToList() ?? [];
        await using var db = await DbFactory.CreateDbContextAsync();
        // Sub-workflow runs show at the steps that started them: a loop's thousands of items do not belong in the header.
        _children = await db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == Id && e.ParentStepId == null)
            .OrderBy(e => e.CreatedAt).Select(e => e.Id).ToListAsync();
        _origin ??= _run?.ParentExecutionId is { } parent ? await RunOrigin.LoadAsync(db, Id, parent) : null;
        _version++;
    }

    private void OnExecutionChanged(ExecutionSummary execution)
    {
        if (execution.Id == Id || execution.ParentExecutionId == Id)
        {
            _ = InvokeAsync(ReloadAsync);
        }
    }

    /// <summary>A step change shows at once; the run itself is read again (throttled) for its outputs and logs.</summary>
    private void OnStepChanged(StepRunView step)
    {
        if (step.ExecutionId != Id)
        {
            return;
        }
        _ = InvokeAsync(async () =>
        {
            var index = _steps.FindIndex(s => s.StepId == step.StepId);
            if (index >= 0)
            {
                _steps[index] = step;
                StateHasChanged();
            }
            await ReloadAsync();
        });
    }

    private Task ReloadAsync() => _reload.RequestAsync();

    public void Dispose()
    {
        Events.ExecutionChanged -= OnExecutionChanged;
        Events.StepChanged -= OnStepChanged;
    }
}
