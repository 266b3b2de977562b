using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// Starts a saved workflow with a trigger body a person writes, through the same launcher as
/// <c>POST /workflows/{id}/execute</c>, then opens the new run. The body starts as the one given (a run's, for "Run
/// again"), else the input of the workflow's last run, else the sample of its last test run, else <c>{}</c>: a
/// workflow that reads <c>trigger.body</c> runs with real data instead of failing on an empty body.
/// </summary>
public sealed partial class RunWithInputDialog
{
    /// <summary>How many recent runs are read for one whose input has a body (a schedule's has none).</summary>
    private const int RecentRunsRead = 20;

    private string? _text;
    private InputSource _source;
    private string? _error;
    private string? _refusal;
    private bool _dryRun;
    private bool _starting;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required ExecutionLauncher Launcher { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; set; }
    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    [Parameter, EditorRequired] public Guid WorkflowId { get; set; }

    /// <summary>For the toast; the launcher names the run from the stored workflow either way.</summary>
    [Parameter] public string? WorkflowName { get; set; }

    /// <summary>The trigger body to start from (a run's, for "Run again"); null reads the workflow's last input.</summary>
    [Parameter] public JsonNode? Body { get; set; }

    /// <summary>Where the prefilled body came from, said in the dialog so nobody mistakes it for their own.</summary>
    public enum InputSource { Given, LastRun, TestSample, Empty }

    private bool CanRun => _text is not null && _error is null && !_starting;

    private string SourceText => _source switch
    {
        InputSource.Given => "It starts as the input of the run you came from.",
        InputSource.LastRun => "It starts as the input of this workflow's last run.",
        InputSource.TestSample => "It starts as the sample of this workflow's last test run.",
        _ => "No run has had an input yet: write the body the workflow expects.",
    };

    protected override async Task OnInitializedAsync()
    {
        var (body, source) = Body is { } given ? (given, InputSource.Given) : await LastBodyAsync();
        _source = source;
        _text = JsonText.Pretty(body);
    }

    private async Task<(JsonNode Body, InputSource Source)> LastBodyAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var runs = db.Executions.AsNoTracking().Where(e => e.WorkflowId == WorkflowId);
        var real = await runs.Where(e => e.TriggerKind != ExecutionLauncher.TestTriggerKind)
            .OrderByDescending(e => e.CreatedAt).Take(RecentRunsRead).Select(e => e.TriggerInputJson).ToListAsync();
        if (real.Select(BodyOf).FirstOrDefault(b => b is not null) is { } last)
        {
            return (last, InputSource.LastRun);
        }
        var tests = await runs.Where(e => e.TriggerKind == ExecutionLauncher.TestTriggerKind)
            .OrderByDescending(e => e.CreatedAt).Take(RecentRunsRead).Select(e => e.TriggerInputJson).ToListAsync();
        return tests.Select(BodyOf).FirstOrDefault(b => b is not null) is { } sample ? (sample, InputSource.TestSample) : (new JsonObject(), InputSource.Empty);
    }

    /// <summary>The trigger input's <c>body</c> when it is an object, as the execute API takes it; null otherwise.</summary>
    private static JsonObject? BodyOf(string triggerInputJson) =>
        JsonNode.Parse(triggerInputJson) is JsonObject { } input && input["body"] is JsonObject body ? (JsonObject)body.DeepClone() : null;

    private void SetText(string? text)
    {
        _text = text ?? "";
        _refusal = null;
        _error = Check(_text);
    }

    /// <summary>The execute API takes a JSON object as the body; anything else is said here, before a run is written.</summary>
    private static string? Check(string text)
    {
        try
        {
            return IncomingJson.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text) is JsonObject
                ? null
                : "The trigger body must be a JSON object, like { \"name\": \"Ada\" }.";
        }
        catch (JsonException e)
        {
            return $"Not valid JSON: {e.Message.Split(" LineNumber:")[0]}";
        }
    }

    private async Task RunAsync()
    {
        if (!CanRun || IncomingJson.Parse(string.IsNullOrWhiteSpace(_text) ? "{}" : _text!) is not JsonObject body)
        {
            return;
        }
        _starting = true;
        _refusal = null;
        try
        {
            var actor = AuthenticationState is null ? Actor.User("anonymous") : (await AuthenticationState).User.ToActor();
            var started = await Launcher.StartAsync(WorkflowId, new RunRequest(TriggerTypes.Manual, new JsonObject { ["body"] = body }, DryRun: _dryRun),
                actor, CancellationToken.None);
            Snackbar.AddRunStarted(WorkflowName ?? started.WorkflowName, started.Id, Navigation);
            Dialog.Close(DialogResult.Ok(started.Id));
            Navigation.NavigateTo($"executions/{started.Id}");
        }
        catch (DeskProblemException e)
        {
            _refusal = $"{e.Title}: {e.Message}";
        }
        finally
        {
            _starting = false;
        }
    }
}
