using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Inbox;

/// <summary>
/// Inbox sources, their routing rules and the latest events. Audited changes (anyone's edits) reload everything; run
/// changes reload the events, since an inbox event shows up with the runs it started.
/// </summary>
public sealed partial class InboxPage : IDisposable
{
    public const int PageSize = 25;

    private IReadOnlyList<InboxSourceView>? _sources;
    private IReadOnlyList<InboxRuleView>? _rules;
    private IReadOnlyList<WorkflowOption> _workflows = [];
    private string _publicBase = "";
    private Paged<InboxEventView>? _events;
    private string? _search;
    private int _sourcePage = 1;
    private int _rulePage = 1;
    private int _eventPage = 1;
    private int _editCount;
    private int? _sourceEditorKey;
    private InboxSourceView? _editingSource;
    private int? _ruleEditorKey;
    private InboxRuleView? _editingRule;
    private string? _confirmSource;
    private Guid? _confirmRule;
    private ThrottledReload _eventReload = null!;

    [Inject] public required InboxStore Inbox { get; set; }
    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required LiveDeskEvents Events { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }
    [Inject] public required DeskSettings Settings { get; set; }
    [Inject] public required TimeProvider Time { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<InboxSourceView> MatchingSources =>
        (_sources ?? []).Where(s => Matches(s.Name)).ToList();

    private IReadOnlyList<InboxRuleView> MatchingRules =>
        (_rules ?? []).Where(r => Matches(r.Source) || Matches(r.EventType) || Matches(r.WorkflowName)).ToList();

    private IReadOnlyList<string> SourceNames => (_sources ?? []).Select(s => s.Name).ToList();

    protected override async Task OnInitializedAsync()
    {
        _eventReload = new ThrottledReload(LoadEventsAsync, Time, TimeSpan.FromMilliseconds(500));
        Events.ExecutionChanged += OnExecutionChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _sources = await Inbox.ListSourcesAsync(CancellationToken.None);
        _publicBase = await PublicUrls.BaseAsync(Settings, Navigation.BaseUri, CancellationToken.None);
        _rules = await Inbox.ListRulesAsync(null, CancellationToken.None);
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _workflows = await db.Workflows.AsNoTracking().OrderBy(w => w.Name).Select(w => new WorkflowOption(w.Id, w.Name)).ToListAsync();
        }
        _sourcePage = Math.Min(_sourcePage, ListPager.PageCountOf(MatchingSources.Count, PageSize));
        _rulePage = Math.Min(_rulePage, ListPager.PageCountOf(MatchingRules.Count, PageSize));
        await LoadEventsAsync();
    }

    private async Task LoadEventsAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var query = InboxQueries.Events(db, null, null, _search);
        var total = await query.CountAsync();
        _eventPage = Math.Clamp(_eventPage, 1, ListPager.PageCountOf(total, PageSize));
        var items = await query.Skip((_eventPage - 1) * PageSize).Take(PageSize).ToListAsync();
        _events = new Paged<InboxEventView>(items, _eventPage, PageSize, total);
        StateHasChanged();
    }

    private void OnExecutionChanged(ExecutionSummary execution) => _ = InvokeAsync(_eventReload.RequestAsync);

    private async Task SearchAsync(string? search)
    {
        _search = search;
        (_sourcePage, _rulePage, _eventPage) = (1, 1, 1);
        await LoadEventsAsync();
    }

    private async Task EventPageAsync(int page)
    {
        _eventPage = page;
        await LoadEventsAsync();
    }

    private bool Matches(string? text) =>
        string.IsNullOrWhiteSpace(_search) || (text?.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>What a sender posts to: under <c>desk.publicBaseUrl</c> when set, else the address this page was opened at.</summary>
    private string ReceiverUrl(InboxSourceView source) => PublicUrls.Under(_publicBase, source.ReceiverPath);

    private void AddSource() => (_editingSource, _sourceEditorKey) = (null, ++_editCount);

    private void EditSource(InboxSourceView source) => (_editingSource, _sourceEditorKey) = (source, ++_editCount);

    private void CloseSourceEditor() => (_editingSource, _sourceEditorKey) = (null, null);

    private async Task SourceSavedAsync(InboxSourceView saved)
    {
        Snackbar.Add(_editingSource is null ? $"Source {saved.Name} added: senders post to {saved.ReceiverPath}." : $"Source {saved.Name} saved.", Severity.Success);
        CloseSourceEditor();
        await LoadAsync();
    }

    private async Task DeleteSourceAsync(string name)
    {
        _confirmSource = null;
        await Inbox.DeleteSourceAsync(name, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        Snackbar.Add($"Source {name} and its rules deleted.", Severity.Info);
        await LoadAsync();
    }

    private void AddRule() => (_editingRule, _ruleEditorKey) = (null, ++_editCount);

    private void EditRule(InboxRuleView rule) => (_editingRule, _ruleEditorKey) = (rule, ++_editCount);

    private void CloseRuleEditor() => (_editingRule, _ruleEditorKey) = (null, null);

    private async Task RuleSavedAsync(InboxRuleView saved)
    {
        Snackbar.Add($"Rule saved: {saved.Source} {saved.EventType} → {saved.WorkflowName}.", Severity.Success);
        CloseRuleEditor();
        await LoadAsync();
    }

    private async Task DeleteRuleAsync(Guid id)
    {
        _confirmRule = null;
        await Inbox.DeleteRuleAsync(id, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        Snackbar.Add("Rule deleted.", Severity.Info);
        await LoadAsync();
    }

    public void Dispose() => Events.ExecutionChanged -= OnExecutionChanged;
}
