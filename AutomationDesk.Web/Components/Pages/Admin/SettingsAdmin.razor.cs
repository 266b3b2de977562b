using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Admin;

/// <summary>
/// The desk's settings in the browser: public base URL, default connections, retention and global variables. Saves go
/// through <see cref="DeskSettings.ChangeAsync"/>, the same check the API applies, and each refusal is shown beside its
/// field. Only the fields this admin changed are written; an emptied field deletes its setting (back to the default).
/// </summary>
public sealed partial class SettingsAdmin
{
    private static readonly (string Key, string Label)[] DaysFields =
    [
        (DeskSettingKeys.ExecutionsDays, "Keep runs"),
        (DeskSettingKeys.WebhookEventsDays, "Keep webhook events"),
        (DeskSettingKeys.NotificationsDays, "Keep notifications"),
    ];

    private IReadOnlyDictionary<string, JsonNode?>? _stored;
    private IReadOnlyList<ConnectionView> _connections = [];
    // What this admin typed and has not saved, by key: kept when another admin's change reloads the page.
    private readonly Dictionary<string, string?> _edits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private bool _saving;

    [Inject] public required DeskSettings Settings { get; set; }
    [Inject] public required ConnectionStore Connections { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyDictionary<string, JsonNode?> Variables =>
        (_stored ?? new Dictionary<string, JsonNode?>()).Where(s => DeskSettingKeys.IsVariable(s.Key))
            .ToDictionary(s => s.Key[DeskSettingKeys.VarsPrefix.Length..], s => s.Value, StringComparer.Ordinal);

    private bool Archive => Shown(DeskSettingKeys.Archive) == "true";

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _stored = await Settings.AllAsync(CancellationToken.None);
        _connections = await Connections.ListAsync(CancellationToken.None);
    }

    /// <summary>The text a field shows: what this admin typed, else the stored value.</summary>
    private string? Shown(string key)
    {
        if (_edits.TryGetValue(key, out var typed))
        {
            return typed;
        }
        var stored = _stored?.GetValueOrDefault(key);
        return stored.TryGetText(out var text) ? text : stored?.ToJsonString();
    }

    private IEnumerable<string> ConnectionsFor(string key)
    {
        var types = DeskSettingKeys.DefaultConnectionTypes[key];
        var names = _connections.Where(c => types.Contains(c.Type, StringComparer.Ordinal)).Select(c => c.Name).ToList();
        // A stored name whose connection is gone (or changed type) still shows, so the admin sees what is set.
        return Shown(key) is { Length: > 0 } current && !names.Contains(current, StringComparer.Ordinal) ? names.Append(current) : names;
    }

    private bool HasError(string key) => _errors.ContainsKey(key);

    private string? ErrorOf(string key) => _errors.GetValueOrDefault(key);

    private void Edit(string key, string? text)
    {
        _edits[key] = text;
        _errors.Remove(key);
    }

    private void EditArchive(bool archive) => Edit(DeskSettingKeys.Archive, archive ? "true" : "false");

    private void Discard()
    {
        _edits.Clear();
        _errors.Clear();
    }

    private async Task SaveAsync()
    {
        _saving = true;
        StateHasChanged();
        try
        {
            var actor = (await AuthenticationState).User.ToActor();
            var saved = 0;
            foreach (var (key, text) in _edits.ToList())
            {
                try
                {
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        await Settings.DeleteAsync(key, actor, CancellationToken.None);
                    }
                    else
                    {
                        await Settings.ChangeAsync(key, ValueOf(key, text), actor, CancellationToken.None);
                    }
                    _edits.Remove(key);
                    saved++;
                }
                catch (DeskProblemException refused)
                {
                    _errors[key] = refused.Errors?.Values.SelectMany(m => m).FirstOrDefault() ?? refused.Message;
                }
            }
            await LoadAsync();
            if (_errors.Count > 0)
            {
                Snackbar.Add($"{_errors.Count} setting(s) not saved: see the fields marked in red.", Severity.Warning);
            }
            else if (saved > 0)
            {
                Snackbar.Add("Settings saved.", Severity.Success);
            }
        }
        finally
        {
            _saving = false;
        }
    }

    /// <summary>
    /// The JSON a field's text stands for. A number field that does not hold a whole number is sent as text, so Core's
    /// refusal (in the same words as the API's) is what the admin reads.
    /// </summary>
    private static JsonNode? ValueOf(string key, string text)
    {
        text = text.Trim();
        return key switch
        {
            DeskSettingKeys.ExecutionsDays or DeskSettingKeys.WebhookEventsDays or DeskSettingKeys.NotificationsDays
                when int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days) => JsonValue.Create(days),
            DeskSettingKeys.Archive when bool.TryParse(text, out var archive) => JsonValue.Create(archive),
            _ => JsonValue.Create(text),
        };
    }
}
