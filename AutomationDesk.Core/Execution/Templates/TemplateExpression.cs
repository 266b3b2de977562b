using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutomationDesk.Core.Execution.Templates;

/// <summary>
/// One <c>${path}</c> or <c>${path ?? fallback}</c>. A fallback is a JSON literal (<c>"text"</c>, <c>'text'</c>,
/// a number, <c>true</c>, <c>false</c>, <c>null</c>) or another path.
/// </summary>
public sealed partial record TemplateExpression(string Text, TemplatePath Path, TemplateExpression? FallbackPath, JsonNode? FallbackLiteral, bool HasFallback)
{
    [GeneratedRegex(@"\$\{([^{}]*)\}")]
    private static partial Regex TemplatePattern();

    public static bool ContainsTemplate(string text) => text.Contains("${", StringComparison.Ordinal);

    /// <summary>Every template in a text, with where it stands.</summary>
    public static IEnumerable<(int Index, int Length, string Body)> Find(string text)
    {
        foreach (Match match in TemplatePattern().Matches(text))
        {
            yield return (match.Index, match.Length, match.Groups[1].Value);
        }
    }

    /// <summary>True when the whole text is one template: its value then keeps its JSON type.</summary>
    public static bool IsWholeTemplate(string text, out string body)
    {
        var match = TemplatePattern().Match(text);
        body = match.Success ? match.Groups[1].Value : "";
        return match.Success && match.Index == 0 && match.Length == text.Length;
    }

    public static TemplateExpression Parse(string body)
    {
        var split = body.IndexOf("??", StringComparison.Ordinal);
        if (split < 0)
        {
            return new TemplateExpression(body.Trim(), TemplatePath.Parse(body), null, null, false);
        }
        var path = TemplatePath.Parse(body[..split]);
        var fallback = body[(split + 2)..].Trim();
        if (fallback.Length == 0)
        {
            throw new TemplateException($"Template '${{{body}}}' has '??' but no fallback value.", body.Trim());
        }
        if (fallback.StartsWith('\'') && fallback.EndsWith('\'') && fallback.Length >= 2)
        {
            return new TemplateExpression(body.Trim(), path, null, JsonValue.Create(fallback[1..^1]), true);
        }
        if (fallback[0] is '"' or '-' or (>= '0' and <= '9') || fallback is "true" or "false" or "null")
        {
            try
            {
                return new TemplateExpression(body.Trim(), path, null, JsonNode.Parse(fallback), true);
            }
            catch (JsonException)
            {
                throw new TemplateException($"Template '${{{body}}}' has a fallback that is not a JSON value: {fallback}", body.Trim());
            }
        }
        return new TemplateExpression(body.Trim(), path, Parse(fallback), null, true);
    }
}
