using AutomationDesk.Core;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Connections;

/// <summary>
/// Every connection with its health. Everyone signed in reads it; Editors and Admins test a connection and see what
/// happened; Admins create, change and delete. The list follows every change and test as it is announced (the
/// background refresh included), so health shown here is never older than the last test.
/// </summary>
public sealed partial class ConnectionList : IDisposable
{
    public const int PageSize = 25;

    private readonly HashSet<string> _testing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConnectionTestResult> _results = new(StringComparer.Ordinal);
    private IReadOnlyList<ConnectionView>? _all;
    private IReadOnlyList<ConnectionView> _matching = [];
    private int _pageNumber = 1;
    private string? _search;
    private string? _type;
    private ConnectionHealth? _health;
    private string? _confirming;
    private string? _deleteError;
    private bool _isAdmin;
    private bool _canTest;
    private ThrottledReload _reload = null!;

    [Inject] public required ConnectionStore Store { get; set; }
    [Inject] public required ConnectionTester Tester { get; set; }
    [Inject] public required ConnectionTypes Types { get; set; }
    [Inject] public required LiveDeskEvents Events { get; set; }
    [Inject] public required IDialogService Dialogs { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }
    [Inject] public required TimeProvider Time { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    public static string HealthText(ConnectionHealth health) => health switch
    {
        ConnectionHealth.Ok => "ok",
        ConnectionHealth.Failing => "failing",
        _ => "unknown",
    };

    private static Color HealthColor(ConnectionHealth health) => health switch
    {
        ConnectionHealth.Ok => Color.Success,
        ConnectionHealth.Failing => Color.Error,
        _ => Color.Default,
    };

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _isAdmin = user.IsInRole(DeskRoles.Admin);
        _canTest = _isAdmin || user.IsInRole(DeskRoles.Editor);
        _reload = new ThrottledReload(ReloadAsync, Time, TimeSpan.FromMilliseconds(500));
        Events.ConnectionChanged += OnConnectionChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _all = await Store.ListAsync(CancellationToken.None);
        Filter();
    }

    private void Filter()
    {
        var search = _search?.Trim();
        _matching = (_all ?? [])
            .Where(c => string.IsNullOrEmpty(search)
                || c.Name.Contains(search, StringComparison.OrdinalIgnoreCase) || c.Type.Contains(search, StringComparison.OrdinalIgnoreCase))
            .Where(c => _type is null || c.Type == _type)
            .Where(c => _health is null || c.Health == _health)
            .ToList();
        _pageNumber = Math.Min(_pageNumber, ListPager.PageCountOf(_matching.Count, PageSize));
    }

    private Task SearchAsync(string? search)
    {
        (_search, _pageNumber) = (search, 1);
        Filter();
        return Task.CompletedTask;
    }

    private Task FilterTypeAsync(string? type)
    {
        (_type, _pageNumber) = (type, 1);
        Filter();
        return Task.CompletedTask;
    }

    private Task FilterHealthAsync(ConnectionHealth? health)
    {
        (_health, _pageNumber) = (health, 1);
        Filter();
        return Task.CompletedTask;
    }

    private async Task TestAsync(string name)
    {
        _testing.Add(name);
        _results.Remove(name);
        StateHasChanged();
        try
        {
            if (await Tester.TestAsync(name, CancellationToken.None) is { } result)
            {
                _results[name] = result;
            }
        }
        finally
        {
            _testing.Remove(name);
        }
        await LoadAsync();
    }

    private Task CreateAsync() => OpenAsync("New connection", null);

    private Task EditAsync(ConnectionView connection) => OpenAsync($"Edit {connection.Name}", connection);

    private async Task OpenAsync(string title, ConnectionView? existing)
    {
        var parameters = new DialogParameters<ConnectionDialog> { { d => d.Existing, existing } };
        var dialog = await Dialogs.ShowAsync<ConnectionDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: ConnectionView saved })
        {
            _results.Remove(saved.Name);
            Snackbar.Add($"Connection {saved.Name} saved. Test it to see that it works.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DeleteAsync(string name)
    {
        _confirming = null;
        _deleteError = null;
        try
        {
            if (await Store.DeleteAsync(name, (await AuthenticationState).User.ToActor(), CancellationToken.None))
            {
                Snackbar.Add($"Connection {name} deleted.", Severity.Info);
            }
        }
        catch (DeskProblemException e)
        {
            _deleteError = e.Message;
        }
        await LoadAsync();
    }

    private void OnConnectionChanged(string name) => _ = InvokeAsync(_reload.RequestAsync);

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    public void Dispose() => Events.ConnectionChanged -= OnConnectionChanged;
}
