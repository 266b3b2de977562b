using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Reads a model's answer as JSON and checks it against the step's JSON Schema. Models often wrap JSON in a Markdown
/// fence even when told not to, so a <c>```json</c> fence around the whole answer is taken off first.
/// </summary>
public static partial class AiAnswerJson
{
    /// <summary>How many schema problems an error names; the rest are counted.</summary>
    public const int ProblemsNamed = 3;

    [GeneratedRegex(@"\A\s*```[A-Za-z]*[ \t]*\r?\n(?<json>.*?)\r?\n?```\s*\z", RegexOptions.Singleline)]
    private static partial Regex Fence();

    /// <summary>The answer as JSON; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static JsonNode? Parse(string answer)
    {
        var match = Fence().Match(answer);
        return JsonNode.Parse(match.Success ? match.Groups["json"].Value : answer);
    }

    /// <summary>Builds a schema; throws when it is not one (the message says why).</summary>
    public static JsonSchema Build(JsonNode schema) =>
        JsonSchema.Build(JsonSerializer.SerializeToElement(schema), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    /// <summary>Why <paramref name="schema"/> is not a JSON Schema, or null when it is one.</summary>
    public static string? SchemaProblem(JsonNode schema)
    {
        try
        {
            Build(schema);
            return null;
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            return $"Not a JSON Schema: {e.Message}";
        }
    }

    /// <summary>Where the value breaks the schema (a JSON Pointer, <c>/</c> for the whole answer) and what is wrong there; empty when it matches.</summary>
    public static IReadOnlyList<(string Path, string Message)> Problems(JsonNode schema, JsonNode? value)
    {
        using var document = JsonDocument.Parse(value?.ToJsonString() ?? "null");
        var results = Build(schema).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }
        return new[] { results }.Concat(results.Details ?? [])
            .Where(r => r.Errors is { Count: > 0 })
            .SelectMany(r => r.Errors!.Values.Select(message => (Path: r.InstanceLocation.ToString() is { Length: > 0 } path ? path : "/", Message: message)))
            .Distinct()
            .ToList();
    }

    /// <summary>The first problems in a person's words: <c>/total: Value should be at least 0; / : Required properties ["summary"] are not present</c>.</summary>
    public static string Describe(IReadOnlyList<(string Path, string Message)> problems)
    {
        var named = string.Join("; ", problems.Take(ProblemsNamed).Select(p => $"{p.Path}: {p.Message}"));
        return problems.Count > ProblemsNamed ? $"{named}; and {problems.Count - ProblemsNamed} more" : named;
    }
}
