using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>The workflows: searched, filtered by tag and state, paged; each with its last run, kept live.</summary>
public sealed partial class WorkflowList : IDisposable
{
    public const int PageSize = 20;

    /// <summary>The columns a phone (xs) leaves out.</summary>
    private const string Wide = "d-none d-sm-table-cell";

    private List<WorkflowRow>? _rows;
    private List<string> _tags = [];
    private int _total;
    private int _page = 1;
    private string? _search;
    private string? _tag;
    private bool? _enabled;
    private Guid? _confirmDelete;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required WorkflowStore Store { get; set; }
    [Inject] public required LiveDeskEvents Events { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }
    [Inject] public required IDialogService Dialogs { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    private bool Filtered => !string.IsNullOrWhiteSpace(_search) || _tag is not null || _enabled is not null;

    private int PageCount => Math.Max(1, (_total + PageSize - 1) / PageSize);

    private IReadOnlyList<Guid> ShownIds => _rows?.Select(r => r.Id).ToList() ?? [];

    private int ShownStamp => _rows?.Aggregate(0, (stamp, r) => HashCode.Combine(stamp, r.Version, r.Enabled)) ?? 0;

    protected override async Task OnInitializedAsync()
    {
        Events.ExecutionChanged += OnExecutionChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var query = db.Workflows.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(_search))
        {
            var pattern = Like.Contains(_search);
            query = query.Where(w => EF.Functions.Like(w.Name, pattern, Like.Escape) || EF.Functions.Like(w.Description ?? "", pattern, Like.Escape));
        }
        if (_tag is { } tag)
        {
            query = query.Where(w => w.Tags.Contains(tag));
        }
        if (_enabled is { } enabled)
        {
            query = query.Where(w => w.Enabled == enabled);
        }
        _total = await query.CountAsync();
        _page = Math.Clamp(_page, 1, PageCount);
        _rows = await query.OrderByDescending(w => w.UpdatedAt)
            .Skip((_page - 1) * PageSize).Take(PageSize)
            .Select(w => new WorkflowRow(w.Id, w.Name, w.Description, w.Tags, w.Enabled, w.TriggerType, w.Version, w.UpdatedAt,
                db.Executions.Where(e => e.WorkflowId == w.Id && e.TriggerKind != ExecutionLauncher.TestTriggerKind).OrderByDescending(e => e.CreatedAt).Select(e => (Guid?)e.Id).FirstOrDefault(),
                db.Executions.Where(e => e.WorkflowId == w.Id && e.TriggerKind != ExecutionLauncher.TestTriggerKind).OrderByDescending(e => e.CreatedAt).Select(e => (ExecutionStatus?)e.Status).FirstOrDefault(),
                db.Executions.Where(e => e.WorkflowId == w.Id && e.TriggerKind != ExecutionLauncher.TestTriggerKind).OrderByDescending(e => e.CreatedAt).Select(e => (DateTimeOffset?)e.CreatedAt).FirstOrDefault(),
                db.Executions.Count(e => e.WorkflowId == w.Id && e.TriggerKind != ExecutionLauncher.TestTriggerKind
                    && (e.Status == ExecutionStatus.Succeeded || e.Status == ExecutionStatus.Failed || e.Status == ExecutionStatus.TimedOut || e.Status == ExecutionStatus.Cancelled)),
                db.Executions.Count(e => e.WorkflowId == w.Id && e.TriggerKind != ExecutionLauncher.TestTriggerKind && e.Status == ExecutionStatus.Succeeded)))
            .ToListAsync();
        _tags = (await db.Workflows.AsNoTracking().Select(w => w.Tags).ToListAsync()).SelectMany(t => t).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private async Task SearchAsync(string? text)
    {
        _search = text;
        _page = 1;
        await LoadAsync();
    }

    private async Task FilterTagAsync(string tag)
    {
        _tag = _tag == tag ? null : tag;
        _page = 1;
        await LoadAsync();
    }

    private async Task FilterEnabledAsync(bool? enabled)
    {
        _enabled = enabled;
        _page = 1;
        await LoadAsync();
    }

    private async Task ClearFiltersAsync()
    {
        (_search, _tag, _enabled, _page) = (null, null, null, 1);
        await LoadAsync();
    }

    private async Task GoToPageAsync(int page)
    {
        _page = page;
        await LoadAsync();
    }

    private async Task SetEnabledAsync(WorkflowRow row, bool enabled)
    {
        await Store.SetEnabledAsync(row.Id, enabled, await ActorAsync(), CancellationToken.None);
        Snackbar.Add($"'{row.Name}' {(enabled ? "enabled" : "disabled")}.", Severity.Info);
        await LoadAsync();
    }

    private async Task DuplicateAsync(WorkflowRow row)
    {
        if (await Store.GetAsync(row.Id, CancellationToken.None) is not { } workflow)
        {
            return;
        }
        // The id stays: the store takes the body as a copy of that workflow, its signing secret included.
        foreach (var field in new[] { "version", "createdAt", "updatedAt" })
        {
            workflow.Remove(field);
        }
        workflow["name"] = $"{row.Name} (copy)";
        var copy = await Store.CreateAsync(workflow.ToJsonString(), await ActorAsync(), CancellationToken.None);
        Snackbar.AddWithLink($"Created '{copy["name"]}'.", Severity.Success, Navigation, $"workflows/{copy["id"]!.GetValue<Guid>()}");
        await LoadAsync();
    }

    private async Task ImportAsync()
    {
        var dialog = await Dialogs.ShowAsync<ImportDialog>("Import workflows", new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            await LoadAsync();
        }
    }

    /// <summary>The gallery creates the workflows and opens the editor itself; the list only needs the dialog.</summary>
    private async Task OpenTemplatesAsync() =>
        await Dialogs.ShowAsync<TemplateGallery>("New from template", new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseButton = true });

    private async Task DeleteAsync(WorkflowRow row)
    {
        _confirmDelete = null;
        if (await Store.DeleteAsync(row.Id, await ActorAsync(), CancellationToken.None))
        {
            Snackbar.Add($"Deleted '{row.Name}'.", Severity.Info);
        }
        await LoadAsync();
    }

    private void OnExecutionChanged(ExecutionSummary execution)
    {
        if (_rows?.Any(r => r.Id == execution.WorkflowId) == true && execution.TriggerKind != ExecutionLauncher.TestTriggerKind)
        {
            _ = InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
    }

    private async Task<Actor> ActorAsync() =>
        AuthenticationState is null ? Actor.User("anonymous") : (await AuthenticationState).User.ToActor();

    public void Dispose() => Events.ExecutionChanged -= OnExecutionChanged;
}
