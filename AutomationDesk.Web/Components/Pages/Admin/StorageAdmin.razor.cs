using System.Globalization;
using AutomationDesk.Core;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace AutomationDesk.Web.Components.Pages.Admin;

/// <summary>Admin › Storage: sizes, row counts, free disk, the last prune, and <b>Prune now</b>.</summary>
public sealed partial class StorageAdmin
{
    private StorageView? _view;
    private bool _confirming;
    private PruneProgress? _progress;
    private string? _error;

    [Inject] public required StorageReport Report { get; set; }
    [Inject] public required RetentionPrune Prune { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync() => _view = await Report.ReadAsync(CancellationToken.None);

    private async Task PruneAsync()
    {
        _confirming = false;
        _error = null;
        _progress = new PruneProgress("runs", 0, 0, 0);
        var progress = new Progress<PruneProgress>(step => _ = InvokeAsync(() =>
        {
            if (_progress is not null)
            {
                _progress = step;
                StateHasChanged();
            }
        }));
        try
        {
            await Prune.PruneAsync((await AuthenticationState).User.ToActor(), progress, CancellationToken.None);
        }
        catch (DeskProblemException problem)
        {
            _error = problem.Message;
        }
        finally
        {
            _progress = null;
        }
        _view = await Report.ReadAsync(CancellationToken.None);
    }

    private static string Summary(PruneResult last) =>
        $"{last.Executions:N0} runs ({last.Logs:N0} log rows), {last.WebhookEvents:N0} webhook events, {last.Notifications:N0} notifications removed";

    /// <summary>A size in the largest unit that keeps it above 1 (bytes, KiB, MiB, GiB, TiB).</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        var size = (double)bytes;
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes" : $"{size.ToString("0.#", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
