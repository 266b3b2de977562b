using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Settings;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Admin;

/// <summary>
/// The global variables part of the Settings page. Saves go through <see cref="DeskSettings.ChangeAsync"/> (the API's
/// check); the page above reloads the list after each change, and after anyone else's.
/// </summary>
public sealed partial class SettingsVariables
{
    public const int PageSize = 25;
    private const int ShownChars = 200;

    private string? _name;
    private string? _valueText;
    private string? _nameError;
    private string? _valueError;
    private string? _editing;
    private string? _confirming;
    private string? _search;
    private int _page = 1;
    private bool _saving;

    [Inject] public required DeskSettings Settings { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The variables by name (without <c>vars.</c>).</summary>
    [Parameter, EditorRequired] public IReadOnlyDictionary<string, JsonNode?> Variables { get; set; } = new Dictionary<string, JsonNode?>();

    /// <summary>Raised after a variable was saved or deleted, so the page reads them again.</summary>
    [Parameter] public EventCallback OnChanged { get; set; }

    private List<(string Name, string Json)> Matching => Variables
        .Select(v => (Name: v.Key, Json: v.Value?.ToJsonString() ?? "null"))
        .Where(v => string.IsNullOrWhiteSpace(_search)
            || v.Name.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase) || v.Json.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase))
        .OrderBy(v => v.Name, StringComparer.Ordinal)
        .ToList();

    protected override void OnParametersSet() => _page = Math.Min(_page, ListPager.PageCountOf(Matching.Count, PageSize));

    private static string Shorten(string json) => json.Length <= ShownChars ? json : json[..ShownChars] + "…";

    private void Search(string? search)
    {
        _search = search;
        _page = 1;
    }

    private void StartEdit(string name, string json)
    {
        (_editing, _name, _valueText, _nameError, _valueError) = (name, name, PrettyJson(json), null, null);
    }

    private void Reset() => (_editing, _name, _valueText, _nameError, _valueError) = (null, null, null, null, null);

    private static string PrettyJson(string json) => JsonNode.Parse(json)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";

    private async Task SaveAsync()
    {
        (_nameError, _valueError) = (null, null);
        var key = DeskSettingKeys.VarsPrefix + (_name?.Trim() ?? "");
        try
        {
            DeskSettingKeys.CheckKey(key);
        }
        catch (DeskProblemException)
        {
            _nameError = $"'{_name?.Trim()}' is not a variable name: letters, digits and _, not starting with a digit, at most 100.";
            return;
        }
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(string.IsNullOrWhiteSpace(_valueText) ? "" : _valueText);
        }
        catch (JsonException e)
        {
            _valueError = string.IsNullOrWhiteSpace(_valueText)
                ? "Enter a JSON value: text in quotes (\"eu-west\"), a number, true/false, a list or an object."
                : $"Not valid JSON: {e.Message.Split(" Path:")[0]} Text goes in quotes: \"{_valueText.Trim()}\".";
            return;
        }
        _saving = true;
        try
        {
            await Settings.ChangeAsync(key, value, (await AuthenticationState).User.ToActor(), CancellationToken.None);
            Snackbar.Add($"{key} saved.", Severity.Success);
            Reset();
            await OnChanged.InvokeAsync();
        }
        catch (DeskProblemException refused)
        {
            _valueError = refused.Errors?.Values.SelectMany(m => m).FirstOrDefault() ?? refused.Message;
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task DeleteAsync(string name)
    {
        _confirming = null;
        await Settings.DeleteAsync(DeskSettingKeys.VarsPrefix + name, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        Snackbar.Add($"vars.{name} deleted.", Severity.Info);
        if (_editing == name)
        {
            Reset();
        }
        await OnChanged.InvokeAsync();
    }
}
