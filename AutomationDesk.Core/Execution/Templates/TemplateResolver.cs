using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Execution.Templates;

/// <summary>
/// Resolves <c>${…}</c> templates in a JSON value against a scope. A value that is one whole template keeps
/// its JSON type; a template inside text becomes text. An unknown path is an error that names the path.
/// </summary>
public static class TemplateResolver
{
    public static JsonNode? Resolve(JsonNode? value, JsonObject scope) => value switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value, scope)))),
        JsonArray array => new JsonArray(array.Select(item => Resolve(item, scope)).ToArray()),
        JsonValue v when v.TryGetText(out var text) => ResolveText(text, scope),
        _ => value.DeepClone(),
    };

    public static JsonNode? ResolveText(string text, JsonObject scope)
    {
        if (!TemplateExpression.ContainsTemplate(text))
        {
            return JsonValue.Create(text);
        }
        if (TemplateExpression.IsWholeTemplate(text, out var whole))
        {
            return Evaluate(TemplateExpression.Parse(whole), scope)?.DeepClone();
        }
        var builder = new StringBuilder();
        var last = 0;
        foreach (var (index, length, body) in TemplateExpression.Find(text))
        {
            builder.Append(text, last, index - last);
            builder.Append(AsText(Evaluate(TemplateExpression.Parse(body), scope)));
            last = index + length;
        }
        builder.Append(text, last, text.Length - last);
        return JsonValue.Create(builder.ToString());
    }

    public static JsonNode? Evaluate(TemplateExpression expression, JsonObject scope)
    {
        if (TryLookup(expression.Path, scope, out var found, out var missing) && !(expression.HasFallback && found is null))
        {
            return found;
        }
        if (expression.FallbackPath is { } fallbackPath)
        {
            return Evaluate(fallbackPath, scope);
        }
        if (expression.HasFallback)
        {
            return expression.FallbackLiteral;
        }
        throw new TemplateException($"Unknown template path '{expression.Path.Text}': '{missing}' was not found.", expression.Path.Text);
    }

    public static bool TryLookup(TemplatePath path, JsonObject scope, out JsonNode? value, out string missing)
    {
        JsonNode? current = scope;
        var walked = new StringBuilder();
        foreach (var segment in path.Segments)
        {
            if (segment.Name is { } name)
            {
                walked.Append(walked.Length == 0 ? "" : ".").Append(name);
                if (current is not JsonObject obj || !obj.TryGetPropertyValue(name, out current))
                {
                    (value, missing) = (null, walked.ToString());
                    return false;
                }
            }
            else
            {
                walked.Append('[').Append(segment.Index).Append(']');
                if (current is not JsonArray array || segment.Index >= array.Count)
                {
                    (value, missing) = (null, walked.ToString());
                    return false;
                }
                current = array[segment.Index!.Value];
            }
        }
        (value, missing) = (current, "");
        return true;
    }

    /// <summary>
    /// How a value reads inside text: strings as they are, everything else as JSON, written as the desk writes JSON
    /// (letters such as ü, &amp; and quotes as they are, not as \u escapes meant for HTML), since the text goes to a person or a model.
    /// </summary>
    public static string AsText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetText(out var text) => text,
        _ => value.ToJsonString(DeskJson.Options),
    };

    /// <summary>Truthiness as a person expects it: false, null, 0, "", "false", empty arrays and objects are false.</summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.Number => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) != 0,
            JsonValueKind.String => v.TextOrNull() is { Length: > 0 } s
                && !string.Equals(s, "false", StringComparison.OrdinalIgnoreCase) && s != "0",
            _ => true,
        },
        _ => true,
    };

    /// <summary>Every template path named anywhere in a JSON value (for validation).</summary>
    public static IEnumerable<TemplateExpression> FindExpressions(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var expression in obj.SelectMany(p => FindExpressions(p.Value)))
                {
                    yield return expression;
                }
                break;
            case JsonArray array:
                foreach (var expression in array.SelectMany(FindExpressions))
                {
                    yield return expression;
                }
                break;
            case JsonValue v when v.TryGetText(out var text):
                foreach (var (_, _, body) in TemplateExpression.Find(text))
                {
                    var expression = TemplateExpression.Parse(body);
                    for (var e = expression; e is not null; e = e.FallbackPath)
                    {
                        yield return e;
                    }
                }
                break;
        }
    }
}
