using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The saved workflow's webhook URL (<c>api/webhooks/{id}/{token}</c> under the setting <c>desk.publicBaseUrl</c>, else
/// the address this page was opened at). The token is read from the stored workflow, so a draft switched to webhook
/// shows its URL once saved; any audited change (a save, a rotation elsewhere, a new public base URL) reads it again.
/// </summary>
public sealed partial class WebhookAddress
{
    private string? _token;
    private string _base = "";
    private bool _confirmRotate;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required WebhookTokens Tokens { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required DeskSettings Settings { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private string Url => PublicUrls.Webhook(_base, WorkflowId!.Value, _token!).ToString();

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        if (WorkflowId is not { } id)
        {
            _token = null;
            return;
        }
        _base = await PublicUrls.BaseAsync(Settings, Navigation.BaseUri, CancellationToken.None);
        await using var db = await DbFactory.CreateDbContextAsync();
        _token = await db.Workflows.AsNoTracking().Where(w => w.Id == id && w.TriggerType == TriggerTypes.Webhook)
            .Select(w => w.WebhookToken).SingleOrDefaultAsync();
    }

    private async Task RotateAsync()
    {
        _confirmRotate = false;
        if (WorkflowId is not { } id)
        {
            return;
        }
        _token = await Tokens.RotateAsync(id, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        Snackbar.Add(_token is null ? "Not rotated: the saved workflow has no webhook trigger." : "New token: the old URL no longer starts this workflow.",
            _token is null ? Severity.Warning : Severity.Success);
    }
}
