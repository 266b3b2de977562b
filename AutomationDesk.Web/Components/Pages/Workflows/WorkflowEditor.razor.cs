using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// Builds a workflow through forms or as JSON. Core's reader checks the draft after every edit, so its errors
/// appear beside the fields they name (once touched) before anything is saved; Save (or Ctrl+S) stores a new version
/// through the store, and leaving with unsaved changes asks first.
/// </summary>
public sealed partial class WorkflowEditor : IAsyncDisposable
{
    private const string ScriptPath = "./js/workflow-editor.js";

    /// <summary>The test run panel's sample field (its <c>data-field</c>), where the bar's Test run scrolls to.</summary>
    private const string TestRunSampleField = "sample";
    private IJSObjectReference? _script;
    private DotNetObjectReference<WorkflowEditor>? _self;
    private TestRunPanel? _testRun;
    private bool _canWrite;

    private WorkflowDraft _draft = null!;
    private TemplateHints _hints = TemplateHints.None;
    private EditorPins _pins = null!;
    private IReadOnlyList<string> _secrets = [];
    private IReadOnlyDictionary<string, JsonNode?> _globalVars = new Dictionary<string, JsonNode?>();
    private string _jsonText = "";
    private string? _jsonError;
    private string _name = "";
    private int _version;
    private int _tab;

    /// <summary>Form, JSON, History, then Analytics: its figures are read when it is first shown.</summary>
    private const int FormTab = 0;
    private const int JsonTab = 1;
    private const int AnalyticsTab = 3;
    private bool _loaded;
    private bool _notFound;
    private bool _saving;
    private Guid? _loadedId;

    [Inject] public required WorkflowDefinitionReader Reader { get; set; }
    [Inject] public required StepRegistry Registry { get; set; }
    [Inject] public required WorkflowStore Store { get; set; }
    [Inject] public required SecretStore Secrets { get; set; }
    [Inject] public required DeskSettings Settings { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }
    [Inject] public required IDialogService Dialogs { get; set; }
    [Inject] public required IJSRuntime JS { get; set; }
    [Inject] public required IAuthorizationService Authorization { get; set; }
    [Inject] public required Core.Pinned.PinnedOutputs Pinned { get; set; }
    [Inject] public required Core.Pinned.SingleStepRun SingleSteps { get; set; }
    [Inject] public required TimeProvider Time { get; set; }

    [Parameter] public Guid? Id { get; set; }

    /// <summary>The template this workflow was just made from: the editor then lists what the template still needs.</summary>
    [SupplyParameterFromQuery(Name = "template")] public string? FromTemplate { get; set; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    private string TagsText => string.Join(", ", (_draft.Root["tags"] as JsonArray ?? []).Select(t => t?.ToString()));

    private string? TagError => _draft.Errors.Where(e => e.Key.StartsWith("tags", StringComparison.Ordinal) && _draft.Shows(e.Key)).Select(e => string.Join(" ", e.Value)).FirstOrDefault();

    private bool Enabled => _draft.Root["enabled"] is not JsonValue enabled || !enabled.TryGetValue<bool>(out var on) || on;

    protected override async Task OnInitializedAsync()
    {
        _draft = new WorkflowDraft(Reader, Registry);
        _draft.Changed += OnDraftChanged;
        _secrets = (await Secrets.ListAsync(CancellationToken.None)).Select(s => s.Name).ToList();
        _globalVars = await Settings.VarsAsync(CancellationToken.None);
        _hints = TemplateHints.None with { Secrets = _secrets, GlobalVars = _globalVars };
        _canWrite = AuthenticationState is not null
            && (await Authorization.AuthorizeAsync((await AuthenticationState).User, DeskPolicies.Write)).Succeeded;
        _pins = new EditorPins(Pinned, SingleSteps, Time) { SecretNames = _secrets, Vars = _globalVars };
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && _canWrite)
        {
            _self = DotNetObjectReference.Create(this);
            _script = await JS.InvokeAsync<IJSObjectReference>("import", ScriptPath);
            await _script.InvokeVoidAsync("listenForSave", _self);
        }
    }

    /// <summary>Ctrl+S (⌘S) in the browser: the script has already kept the browser's own save dialog closed.</summary>
    [JSInvokable]
    public Task SaveFromKeyboardAsync() => InvokeAsync(async () =>
    {
        if (_loaded && !_saving && _canWrite)
        {
            await SaveAsync();
            StateHasChanged();
        }
    });

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded && _loadedId == Id)
        {
            return;
        }
        _loadedId = Id;
        _draft.WorkflowId = Id;
        _notFound = false;
        if (Id is { } id)
        {
            if (await Store.GetAsync(id, CancellationToken.None) is not { } workflow)
            {
                _notFound = true;
                return;
            }
            Show(workflow);
            _pins.WorkflowName = _name;
        }
        else
        {
            _draft.Load(WorkflowDraft.NewDefinition());
            _version = 0;
        }
        await _pins.LoadAsync(Id, CancellationToken.None);
        _loaded = true;
    }

    private void Show(JsonObject workflow)
    {
        _version = workflow["version"]!.GetValue<int>();
        _name = workflow["name"]?.GetValue<string>() ?? "";
        _draft.Load(workflow);
    }

    private void OnDraftChanged()
    {
        _jsonText = _draft.ToJson();
        _jsonError = null;
        StateHasChanged();
    }

    private string? Text(string field) => WorkflowDraft.Text(_draft.Root, field);

    private void SetText(string field, string? value)
    {
        WorkflowDraft.SetText(_draft.Root, field, value);
        _draft.Touch();
    }

    private void SetTags(string? text)
    {
        var tags = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        _draft.Root["tags"] = new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        _draft.Touch();
    }

    private void SetEnabled(bool enabled)
    {
        _draft.Root["enabled"] = enabled;
        _draft.Touch();
    }

    private void ApplyJson(string? text)
    {
        var error = _draft.TryLoadJson(text ?? "");
        _jsonText = text ?? "";
        _jsonError = error;
    }

    private void OnHintsChanged(TemplateHints hints) => _hints = hints with { Secrets = _secrets, GlobalVars = _globalVars };

    /// <summary>Changes not saved, counting JSON typed in the JSON tab that does not parse (the draft keeps its last good state).</summary>
    private bool HasUnsavedWork => _draft.HasUnsavedChanges || _jsonError is not null;

    private async Task SaveAsync()
    {
        if (_jsonError is not null)
        {
            Snackbar.Add($"Not saved: the JSON tab holds text that is not JSON ({_jsonError}). Fix it or undo it first.", Severity.Warning);
            return;
        }
        if (_draft.Definition is null)
        {
            _draft.ShowAllErrors();
            Snackbar.Add($"Not saved: fix the {_draft.Errors.Count} {(_draft.Errors.Count == 1 ? "problem" : "problems")} shown first.", Severity.Warning);
            return;
        }
        _saving = true;
        try
        {
            var actor = await ActorAsync();
            // What is sent is what counts as saved: edits typed while the save is on its way stay unsaved.
            var sent = (JsonObject)_draft.Root.DeepClone();
            var json = sent.ToJsonString();
            var saved = Id is { } id ? await Store.UpdateAsync(id, json, actor, CancellationToken.None) : await Store.CreateAsync(json, actor, CancellationToken.None);
            if (saved is null)
            {
                Snackbar.Add("Not saved: the workflow was deleted meanwhile.", Severity.Error);
                return;
            }
            var savedId = saved["id"]!.GetValue<Guid>();
            _draft.MarkSaved(sent);
            Snackbar.Add($"Saved '{saved["name"]}' as version {saved["version"]}.", Severity.Success);
            if (Id is null)
            {
                Navigation.NavigateTo($"workflows/{savedId}");
                return;
            }
            _version = saved["version"]!.GetValue<int>();
            _name = saved["name"]!.GetValue<string>();
        }
        catch (WorkflowValidationException e)
        {
            Snackbar.Add($"Not saved: {e.Errors.Count} problems.", Severity.Warning);
            _draft.Validate();
            _draft.ShowAllErrors();
        }
        finally
        {
            _saving = false;
        }
    }

    /// <summary>Asks before leaving a draft with unsaved changes; a link, the back button and the nav all come here.</summary>
    private async Task ConfirmLeavingAsync(LocationChangingContext context)
    {
        if (!HasUnsavedWork)
        {
            return;
        }
        var leave = await Dialogs.ShowMessageBoxAsync("Leave without saving?",
            "This workflow has changes that are not saved. If you leave now, they are lost.",
            yesText: "Leave without saving", cancelText: "Stay");
        if (leave != true)
        {
            context.PreventNavigation();
        }
    }

    /// <summary>The bar's Test run and Dry run: the panel below does the work, so its logic stays in one place.</summary>
    private async Task StartTestAsync(bool dryRun)
    {
        if (_testRun is null)
        {
            return;
        }
        await _testRun.StartAsync(dryRun);
        await ScrollToAsync(TestRunSampleField);
    }

    /// <summary>"N problems" in the bar: shows every problem, touched or not, and where the list is.</summary>
    private async Task ShowProblemsAsync()
    {
        _draft.ShowAllErrors();
        await ScrollToAsync(DraftProblemList.Field);
    }

    /// <summary>A problem's link: switches to the tab that holds the field and scrolls to it.</summary>
    private async Task GoToAsync(string path)
    {
        _tab = path == DraftProblemList.JsonTarget ? JsonTab : FormTab;
        StateHasChanged();
        await ScrollToAsync(path);
    }

    private async Task ScrollToAsync(string path)
    {
        if (_script is not null)
        {
            await _script.InvokeAsync<bool>("scrollToField", path);
        }
    }

    private void OnRestored(JsonObject workflow)
    {
        Show(workflow);
        _tab = FormTab;
        Snackbar.Add($"Restored as version {_version}.", Severity.Success);
    }

    private async Task<Actor> ActorAsync() =>
        AuthenticationState is null ? Actor.User("anonymous") : (await AuthenticationState).User.ToActor();

    public async ValueTask DisposeAsync()
    {
        if (_draft is not null)
        {
            _draft.Changed -= OnDraftChanged;
        }
        if (_script is not null)
        {
            try
            {
                await _script.InvokeVoidAsync("stopListeningForSave");
                await _script.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the page's listener with it.
            }
        }
        _self?.Dispose();
    }
}
