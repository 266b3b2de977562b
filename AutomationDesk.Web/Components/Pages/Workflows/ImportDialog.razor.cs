using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// Imports workflows from pasted or uploaded JSON. A dry run comes first and shows what each workflow would become;
/// Import is offered only for the text and strategy that were checked and found valid. Closes with the report.
/// </summary>
public sealed partial class ImportDialog
{
    /// <summary>The same limit as the import API's body.</summary>
    public const long MaxFileBytes = AutomationDesk.Web.Api.WorkflowTransferApi.ImportLimit;

    private string _json = "";
    private ImportStrategy _strategy = ImportStrategy.Merge;
    private ImportReport? _report;
    private IReadOnlyDictionary<string, string[]>? _refusal;
    private bool _busy;

    [Inject] public required WorkflowImporter Importer { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; set; }
    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    private bool CanImport => !_busy && _report is { DryRun: true, Valid: true } && _report.Workflows.Any(w => w.Action is ImportActions.Created or ImportActions.Updated);

    private string Summary
    {
        get
        {
            var counts = string.Join(", ", _report!.Workflows.GroupBy(w => w.Action).Select(g => $"{g.Count()} {g.Key}"));
            return _report.Valid
                ? $"Would import: {counts}."
                : $"Nothing can be imported until every workflow is valid: {counts}.";
        }
    }

    private void SetJson(string? text)
    {
        _json = text ?? "";
        (_report, _refusal) = (null, null); // What was checked is no longer what would be imported.
    }

    private void SetStrategy(ImportStrategy strategy)
    {
        _strategy = strategy;
        (_report, _refusal) = (null, null);
    }

    private async Task LoadFileAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }
        if (file.Size > MaxFileBytes)
        {
            (_report, _refusal) = (null, new Dictionary<string, string[]> { ["file"] = [$"'{file.Name}' is {file.Size} bytes; at most {MaxFileBytes}."] });
            return;
        }
        using var reader = new StreamReader(file.OpenReadStream(MaxFileBytes));
        SetJson(await reader.ReadToEndAsync());
        await CheckAsync();
    }

    private async Task CheckAsync()
    {
        var report = await RunAsync(dryRun: true);
        _report = report;
    }

    private async Task ImportAsync()
    {
        if (await RunAsync(dryRun: false) is not { } report)
        {
            return;
        }
        if (!report.Valid)
        {
            _report = report; // Something changed since the check: show what is wrong now.
            return;
        }
        var written = report.Workflows.Count(w => w.Action is ImportActions.Created or ImportActions.Updated);
        Snackbar.Add($"Imported {written} workflow{(written == 1 ? "" : "s")}.", Severity.Success);
        Dialog.Close(DialogResult.Ok(report));
    }

    private async Task<ImportReport?> RunAsync(bool dryRun)
    {
        _busy = true;
        _refusal = null;
        try
        {
            var user = AuthenticationState is null ? null : (await AuthenticationState).User;
            return await Importer.ImportAsync(_json, _strategy, dryRun, await ActorAsync(), CancellationToken.None,
                createConnections: user?.IsInRole(DeskRoles.Admin) == true);
        }
        catch (WorkflowValidationException e)
        {
            (_report, _refusal) = (null, e.Errors);
            return null;
        }
        catch (DeskProblemException e)
        {
            (_report, _refusal) = (null, new Dictionary<string, string[]> { ["$"] = [e.Message] });
            return null;
        }
        finally
        {
            _busy = false;
        }
    }

    private static Color ActionColor(string action) => action switch
    {
        ImportActions.Created => Color.Success,
        ImportActions.Updated => Color.Info,
        ImportActions.Invalid => Color.Error,
        _ => Color.Default,
    };

    private async Task<Actor> ActorAsync() =>
        AuthenticationState is null ? Actor.User("anonymous") : (await AuthenticationState).User.ToActor();
}
