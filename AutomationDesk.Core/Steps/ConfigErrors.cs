using System.Text.Json;

namespace AutomationDesk.Core.Steps;

/// <summary>Turns System.Text.Json's errors into a field path and a sentence.</summary>
public static class ConfigErrors
{
    public static IReadOnlyList<(string Field, string Message)> Describe(JsonException e, string prefix)
    {
        var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        var message = e.Message;
        const string unmapped = "The JSON property '";
        if (message.StartsWith(unmapped, StringComparison.Ordinal))
        {
            var name = message[unmapped.Length..message.IndexOf('\'', unmapped.Length)];
            var field = Join(prefix, path);
            // STJ reports the object that holds the unknown property; name the property itself.
            if (!field.EndsWith(name, StringComparison.Ordinal))
            {
                field = Join(field, name);
            }
            return [(field, $"Unknown property '{name}'.")];
        }
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            message = "Has the wrong type" + TypeHint(message) + ".";
        }
        return [(Join(prefix, path), message)];
    }

    private static string TypeHint(string message)
    {
        var type = message["The JSON value could not be converted to ".Length..].TrimEnd('.');
        return type switch
        {
            var t when t.Contains("String", StringComparison.Ordinal) => ": expected text",
            var t when t.Contains("Int", StringComparison.Ordinal) || t.Contains("Double", StringComparison.Ordinal) => ": expected a number",
            var t when t.Contains("Boolean", StringComparison.Ordinal) => ": expected true or false",
            var t when t.Contains("TimeSpan", StringComparison.Ordinal) => ": expected a duration such as \"00:00:30\"",
            var t when t.Contains("List", StringComparison.Ordinal) || t.Contains("[]", StringComparison.Ordinal) => ": expected a list",
            var t when t.Contains("Guid", StringComparison.Ordinal) => ": expected an id",
            _ => "",
        };
    }

    private static string Join(string prefix, string path) =>
        path.Length == 0 ? prefix : prefix.Length == 0 ? path : path.StartsWith('[') ? prefix + path : $"{prefix}.{path}";
}
