using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Executions;

/// <summary>One run: header, step timeline, inputs and outputs, errors and logs, all following the run live.</summary>
public sealed partial class RunPage : IDisposable
{
    private ExecutionDetail? _run;
    private List<Guid> _children = [];
    private RunOrigin? _origin;
    private List<StepRunView> _steps = [];
    private IReadOnlyDictionary<string, StepPlace> _places = new Dictionary<string, StepPlace>();
    private JsonNode? _definitionSteps;
    private bool _workflowSaved;
    private StepTimeline? _timeline;
    private string? _scrollTo;
    private bool _loading = true;
    private int _version;
    private ThrottledReload _reload = null!;
    private Guid _shownId;

    [Parameter] public Guid Id { get; set; }

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required LiveDeskEvents Events { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IScrollManager Scroll { get; init; }

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
            var definition = await ExecutionQueries.DefinitionJsonAsync(db, Id, CancellationToken.None);
            _places = ExecutionQueries.StepGraph(definition);
            _definitionSteps = StoredJson.Parse(definition)?["steps"];
        }
        await LoadAsync();
        _loading = false;
    }

    private async Task LoadAsync()
    {
        _run = await ExecutionsApi.LoadDetailAsync(DbFactory, Id, CancellationToken.None);
        _steps = _run?.Steps.ToList() ?? [];
        AddStepsNotRun();
        await using var db = await DbFactory.CreateDbContextAsync();
        // A test run of a draft never saved has no workflow to open.
        _workflowSaved = _run is not null && await db.Workflows.AnyAsync(w => w.Id == _run.WorkflowId);
        // Sub-workflow runs show at the steps that started them: a loop's thousands of items do not belong in the header.
        _children = await db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == Id && e.ParentStepId == null)
            .OrderBy(e => e.CreatedAt).Select(e => e.Id).ToListAsync();
        _origin ??= _run?.ParentExecutionId is { } parent ? await RunOrigin.LoadAsync(db, Id, parent) : null;
        _version++;
    }

    /// <summary>
    /// Steps of the definition the run has no row for are listed too, as not run: the graph and the timeline then name
    /// every step the workflow has.
    /// </summary>
    private void AddStepsNotRun()
    {
        foreach (var (step, position) in GraphStep.From(_definitionSteps).Select((s, i) => (s, i)))
        {
            if (_run is not null && step.Id.Length > 0 && _steps.All(s => s.StepId != step.Id))
            {
                _steps.Insert(Math.Min(position, _steps.Count), new StepRunView(_run.Id, step.Id, step.Type, step.Name ?? step.Id, StepStatus.Pending, 0,
                    null, null, null, null, null, null, null));
            }
        }
    }

    /// <summary>Each step's words and colour, for the graph; a step of a finished run that never started is "Not run".</summary>
    private Dictionary<string, StepLook> Looks() =>
        _steps.GroupBy(s => s.StepId).ToDictionary(g => g.Key, g => StepLook.Of(g.First(), _run!.Status));

    /// <summary>
    /// A resumed run starts with the steps that had succeeded in the run it resumes, copied without running them (no
    /// attempts): those steps are marked as kept from that run.
    /// </summary>
    private Guid? KeptFrom => _run is { Attempt: > 1, ParentExecutionId: { } parent } ? parent : null;

    /// <summary>A click on a node opens that step in the timeline; the page scrolls to it once it has drawn it open.</summary>
    private void OpenStep(string stepId)
    {
        _timeline?.Open(stepId);
        _scrollTo = stepId;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_scrollTo is { } stepId)
        {
            _scrollTo = null;
            await Scroll.ScrollIntoViewAsync(StepGraph.SelectorOf(stepId), ScrollBehavior.Smooth);
        }
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
