using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Connections;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Connections;

/// <summary>
/// Creates or changes a connection, with a form drawn from its type's fields: fields that do not apply to the other
/// choices are hidden, and a secret already set is kept unless a new value is typed. Secrets are write-only here: the
/// form never holds a stored one. Closes with the saved connection.
/// </summary>
public sealed partial class ConnectionDialog
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _secrets = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _name;
    private string? _typeName;
    private ConnectionType? _type;
    private bool _allowPrivateNetwork;
    private bool _saving;
    private string? _error;

    [Inject] public required ConnectionTypes Types { get; set; }
    [Inject] public required ConnectionStore Store { get; set; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; set; }
    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The connection to change; null to create one.</summary>
    [Parameter] public ConnectionView? Existing { get; set; }

    protected override void OnInitialized()
    {
        if (Existing is { } existing)
        {
            _name = existing.Name;
            ChooseType(existing.Type);
            foreach (var (field, value) in existing.Config)
            {
                _values[field] = value is JsonValue v && v.TryGetValue<bool>(out var flag) ? (flag ? "true" : null) : JsonTextOf(value);
            }
            _allowPrivateNetwork = _values.Remove(ConnectionSettings.AllowPrivateNetworkField, out var allow) && allow == "true";
        }
    }

    private void ChooseType(string? name)
    {
        _typeName = name;
        _type = name is null ? null : Types.Find(name);
        _values.Clear();
        foreach (var field in _type?.ConfigFields ?? [])
        {
            _values[field.Name] = field.Default;
        }
        _errors = new Dictionary<string, string[]>();
    }

    private bool Applies(ConnectionField field) => field.AppliesTo(name => _values.GetValueOrDefault(name));

    private string? Text(ConnectionField field) => _values.GetValueOrDefault(field.Name);

    private bool Flag(string field) => _values.GetValueOrDefault(field) == "true";

    private void SetFlag(string field, bool value) => _values[field] = value ? "true" : null;

    private string? Secret(string field) => _secrets.GetValueOrDefault(field);

    private bool IsSet(string field) => Existing?.SecretsSet.Contains(field) == true;

    private string? Problem(ConnectionField field)
    {
        var path = field.Kind == ConnectionFieldKind.Secret ? $"secrets.{field.Name}" : $"config.{field.Name}";
        return _errors.TryGetValue(path, out var messages) ? string.Join(" ", messages) : null;
    }

    private async Task SaveAsync()
    {
        if (_type is null)
        {
            return;
        }
        (_saving, _error) = (true, null);
        try
        {
            var actor = AuthenticationState is null ? Core.Auditing.Actor.System : (await AuthenticationState).User.ToActor();
            var input = new ConnectionInput(_name?.Trim() ?? "", _type.Name, Config(), SecretsToSend());
            var saved = Existing is null
                ? await Store.CreateAsync(input, actor, CancellationToken.None)
                : await Store.UpdateAsync(Existing.Name, input, actor, CancellationToken.None);
            if (saved is null)
            {
                _error = $"The connection '{Existing!.Name}' was deleted meanwhile.";
                return;
            }
            Dialog.Close(DialogResult.Ok(saved));
        }
        catch (DeskProblemException e)
        {
            _errors = e.Errors ?? new Dictionary<string, string[]>();
            _error = e.Message;
        }
        finally
        {
            _saving = false;
        }
    }

    /// <summary>The fields that apply, typed as the API takes them: numbers as numbers, flags as true/false, empty ones left out.</summary>
    private JsonObject Config()
    {
        var config = new JsonObject();
        foreach (var field in _type!.ConfigFields.Where(Applies))
        {
            if (_values.GetValueOrDefault(field.Name) is not { Length: > 0 } value)
            {
                continue;
            }
            config[field.Name] = field.Kind switch
            {
                ConnectionFieldKind.Flag => JsonValue.Create(value == "true"),
                ConnectionFieldKind.Number when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
                _ => JsonValue.Create(value.Trim()),
            };
        }
        if (_allowPrivateNetwork)
        {
            config[ConnectionSettings.AllowPrivateNetworkField] = true;
        }
        return config;
    }

    /// <summary>Only what was typed: an untouched secret is not sent, so the stored one stays.</summary>
    private Dictionary<string, string?> SecretsToSend() => _type!.SecretFields.Where(Applies)
        .Where(f => _secrets.GetValueOrDefault(f.Name) is { Length: > 0 })
        .ToDictionary(f => f.Name, f => _secrets[f.Name], StringComparer.Ordinal);

    private static string? JsonTextOf(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => value.ToJsonString(),
    };
}
