using System.Globalization;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// A kind of outside service a connection can point at: its fields, how they are checked, and its test, a real call
/// that proves the settings work. One class per type in this folder (a preset of plain HTTP settings is a
/// <see cref="HttpPresetType"/> described by data); the registry finds them through DI.
/// </summary>
public abstract class ConnectionType
{
    /// <summary>The type's name in the API and in connections (<c>smtp</c>, <c>openai</c>).</summary>
    public abstract string Name { get; }

    public abstract string Label { get; }

    /// <summary>One line on what the type is for, shown in the form.</summary>
    public virtual string Description => "";

    /// <summary>The service's documentation of its credentials, linked from the form.</summary>
    public virtual string? DocsUrl => null;

    /// <summary>What the test does, in a person's words ("Signs in and sends NOOP").</summary>
    public abstract string TestDescription { get; }

    /// <summary>Every field, secret ones (<see cref="ConnectionFieldKind.Secret"/>) included, in form order.</summary>
    public abstract IReadOnlyList<ConnectionField> Fields { get; }

    public IEnumerable<ConnectionField> ConfigFields => Fields.Where(f => f.Kind != ConnectionFieldKind.Secret);

    public IEnumerable<ConnectionField> SecretFields => Fields.Where(f => f.Kind == ConnectionFieldKind.Secret);

    /// <summary>A real call to the service with these settings; a failure says what the service answered.</summary>
    public abstract Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct);

    /// <summary>
    /// Problems with the settings, each naming its field (<c>config.host</c>, <c>secrets.password</c>): required fields,
    /// URLs, numbers and choices. A type adds its own rules by overriding and yielding the base's first.
    /// </summary>
    public virtual IEnumerable<(string Field, string Message)> Validate(ConnectionSettings settings)
    {
        // A field left out counts as its default, so a field shown for the default choice is checked when none is given.
        foreach (var field in Fields.Where(f => f.AppliesTo(name => settings.Text(name) ?? Fields.FirstOrDefault(d => d.Name == name)?.Default)))
        {
            var secret = field.Kind == ConnectionFieldKind.Secret;
            var path = secret ? $"secrets.{field.Name}" : $"config.{field.Name}";
            var value = secret ? settings.Secret(field.Name) : settings.Text(field.Name);
            if (value is null)
            {
                if (field.Required && field.Default is null)
                {
                    yield return (path, "Required.");
                }
                continue;
            }
            var problem = field.Kind switch
            {
                ConnectionFieldKind.Url when !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") =>
                    $"'{value}' is not an absolute http or https URL.",
                ConnectionFieldKind.Number when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) =>
                    $"'{value}' is not a whole number.",
                ConnectionFieldKind.Choice when !field.Choices.Contains(value, StringComparer.Ordinal) =>
                    $"Must be one of {string.Join(", ", field.Choices)}.",
                _ => null,
            };
            if (problem is not null)
            {
                yield return (path, problem);
            }
        }
    }
}
