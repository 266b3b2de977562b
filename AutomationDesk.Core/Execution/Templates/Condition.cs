using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Execution.Templates;

/// <summary>
/// A condition: a template whose value is truthy, <c>{ left, operator, right }</c>, or <c>{ all: [...] }</c> /
/// <c>{ any: [...] }</c> of those.
/// </summary>
public static class Condition
{
    public static readonly IReadOnlyList<string> Operators =
        ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "startsWith", "exists", "empty"];

    /// <summary>What is wrong with the shape of a condition, each with the path of the field.</summary>
    public static IEnumerable<(string Path, string Message)> Validate(JsonNode? condition, string path)
    {
        switch (condition)
        {
            case JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.True or JsonValueKind.False:
                yield break;
            case JsonObject obj when obj.ContainsKey("all") || obj.ContainsKey("any"):
                var key = obj.ContainsKey("all") ? "all" : "any";
                if (obj.Count != 1)
                {
                    yield return (path, $"A condition with '{key}' has no other properties.");
                }
                if (obj[key] is not JsonArray items || items.Count == 0)
                {
                    yield return ($"{path}.{key}", "Must be a non-empty list of conditions.");
                    yield break;
                }
                for (var i = 0; i < items.Count; i++)
                {
                    foreach (var error in Validate(items[i], $"{path}.{key}[{i}]"))
                    {
                        yield return error;
                    }
                }
                break;
            case JsonObject obj:
                foreach (var property in obj.Select(p => p.Key).Where(k => k is not ("left" or "operator" or "right")))
                {
                    yield return ($"{path}.{property}", $"Unknown property '{property}': a condition has left, operator and right.");
                }
                if (!obj.ContainsKey("left"))
                {
                    yield return ($"{path}.left", "Required.");
                }
                var op = obj["operator"].TextOrNull();
                if (op is null || !Operators.Contains(op))
                {
                    yield return ($"{path}.operator", $"Must be one of {string.Join(", ", Operators)}.");
                }
                else if (op is not ("exists" or "empty") && !obj.ContainsKey("right"))
                {
                    yield return ($"{path}.right", $"Required for operator '{op}'.");
                }
                break;
            default:
                yield return (path, "A condition is a template, { left, operator, right }, or { all | any: [...] }.");
                break;
        }
    }

    public static bool Evaluate(JsonNode? condition, JsonObject scope) => EvaluateResolved(Resolve(condition, scope));

    /// <summary>
    /// The condition with its templates replaced by their values, ready for <see cref="EvaluateResolved"/>. A missing
    /// path is an error, except as the left side of <c>exists</c> and <c>empty</c>, where it reads as null: that is the
    /// question those operators ask. A plain template becomes true or false.
    /// </summary>
    public static JsonNode? Resolve(JsonNode? condition, JsonObject scope)
    {
        switch (condition)
        {
            case JsonValue v when v.TryGetText(out var text):
                return JsonValue.Create(TemplateResolver.IsTruthy(TemplateResolver.ResolveText(text, scope)));
            case JsonObject obj when obj["all"] is JsonArray all:
                return new JsonObject { ["all"] = new JsonArray(all.Select(c => Resolve(c, scope)).ToArray()) };
            case JsonObject obj when obj["any"] is JsonArray any:
                return new JsonObject { ["any"] = new JsonArray(any.Select(c => Resolve(c, scope)).ToArray()) };
            case JsonObject obj:
                var op = OperatorOf(obj);
                var resolved = new JsonObject
                {
                    ["left"] = op is "exists" or "empty" ? ResolveOrNull(obj["left"], scope) : TemplateResolver.Resolve(obj["left"], scope),
                    ["operator"] = op,
                };
                if (obj.ContainsKey("right"))
                {
                    resolved["right"] = TemplateResolver.Resolve(obj["right"], scope);
                }
                return resolved;
            default:
                return condition?.DeepClone();
        }
    }

    /// <summary>Evaluates a condition whose templates are already resolved; text is never read as a template again.</summary>
    public static bool EvaluateResolved(JsonNode? condition)
    {
        switch (condition)
        {
            case JsonValue v:
                return TemplateResolver.IsTruthy(v);
            case JsonObject obj when obj["all"] is JsonArray all:
                return all.All(EvaluateResolved);
            case JsonObject obj when obj["any"] is JsonArray any:
                return any.Any(EvaluateResolved);
            case JsonObject obj:
                var op = OperatorOf(obj);
                return op switch
                {
                    "exists" => obj["left"] is not null,
                    "empty" => IsEmpty(obj["left"]),
                    _ => Compare(obj["left"], op, obj["right"]),
                };
            default:
                return false;
        }
    }

    private static string OperatorOf(JsonObject condition) =>
        condition["operator"].TextOrNull() ?? "eq";

    private static JsonNode? ResolveOrNull(JsonNode? node, JsonObject scope)
    {
        try
        {
            return TemplateResolver.Resolve(node, scope);
        }
        catch (TemplateException)
        {
            return null;
        }
    }

    private static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        JsonValue v when v.TryGetText(out var text) => text.Length == 0,
        JsonValue v => v.GetValueKind() == JsonValueKind.Null,
        _ => false,
    };

    private static bool Compare(JsonNode? left, string op, JsonNode? right)
    {
        switch (op)
        {
            case "eq":
                return AreEqual(left, right);
            case "ne":
                return !AreEqual(left, right);
            case "contains":
                return left switch
                {
                    JsonArray array => array.Any(item => AreEqual(item, right)),
                    JsonObject obj => obj.ContainsKey(TemplateResolver.AsText(right)),
                    _ => TemplateResolver.AsText(left).Contains(TemplateResolver.AsText(right), StringComparison.Ordinal),
                };
            case "startsWith":
                return TemplateResolver.AsText(left).StartsWith(TemplateResolver.AsText(right), StringComparison.Ordinal);
        }
        int order;
        if (AsNumber(left) is { } l && AsNumber(right) is { } r)
        {
            order = l.CompareTo(r);
        }
        else
        {
            order = string.CompareOrdinal(TemplateResolver.AsText(left), TemplateResolver.AsText(right));
        }
        return op switch
        {
            "gt" => order > 0,
            "gte" => order >= 0,
            "lt" => order < 0,
            "lte" => order <= 0,
            _ => throw new InvalidOperationException($"Unknown condition operator '{op}'."),
        };
    }

    private static bool AreEqual(JsonNode? left, JsonNode? right)
    {
        if (AsNumber(left) is { } l && AsNumber(right) is { } r)
        {
            return l == r;
        }
        if (left is JsonValue && right is JsonValue)
        {
            return TemplateResolver.AsText(left) == TemplateResolver.AsText(right) && left.GetValueKind() == right.GetValueKind()
                || (IsTextLike(left) && IsTextLike(right) && TemplateResolver.AsText(left) == TemplateResolver.AsText(right));
        }
        return JsonNode.DeepEquals(left, right);
    }

    private static bool IsTextLike(JsonNode node) => node.GetValueKind() is JsonValueKind.String or JsonValueKind.True or JsonValueKind.False;

    private static double? AsNumber(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetText(out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}
