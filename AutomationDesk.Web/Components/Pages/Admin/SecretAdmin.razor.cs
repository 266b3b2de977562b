using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Admin;

public sealed partial class SecretAdmin
{
    public const int PageSize = 25;

    private IReadOnlyList<SecretInfo>? _secrets;
    private IReadOnlyList<SecretInfo> _matching = [];
    private int _pageNumber = 1;
    private string? _search;
    private string? _name;
    // Write-only: cleared as soon as it is saved and never filled from the store.
    private string? _value;
    private string? _confirming;
    private string? _error;

    [Inject] public required SecretStore Secrets { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _secrets = await Secrets.ListAsync(CancellationToken.None);
        Filter();
    }

    private void Search(string? search)
    {
        _search = search;
        _pageNumber = 1;
        Filter();
    }

    private void Filter()
    {
        _matching = string.IsNullOrWhiteSpace(_search)
            ? _secrets ?? []
            : (_secrets ?? []).Where(s => s.Name.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        _pageNumber = Math.Min(_pageNumber, ListPager.PageCountOf(_matching.Count, PageSize));
    }

    private async Task SetAsync()
    {
        _error = null;
        var name = _name?.Trim() ?? "";
        if (!SecretStore.IsValidName(name))
        {
            _error = $"Name: '{name}' is not a secret name: letters, digits, _ and -, starting with a letter, at most 100.";
            return;
        }
        if (SecretStore.ValueProblem(_value) is { } problem)
        {
            _error = $"Value: {problem}";
            return;
        }
        var created = await Secrets.SetAsync(name, _value!, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        _value = null;
        _name = null;
        Snackbar.Add(created ? $"Secret {name} saved." : $"Secret {name} replaced.", Severity.Success);
        await LoadAsync();
    }

    private async Task DeleteAsync(string name)
    {
        _confirming = null;
        await Secrets.DeleteAsync(name, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        Snackbar.Add($"Secret {name} deleted.", Severity.Info);
        await LoadAsync();
    }
}
