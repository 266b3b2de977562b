using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The fields a person has changed since the draft was loaded, so a new, untouched form does not open full of red
/// "Required" errors: a field's error shows once it was edited, or after a Save attempt shows them all. Steps are
/// remembered by id (<c>steps#fetch.config.url</c>), so moving a step neither forgets nor invents its touched fields.
/// </summary>
public sealed partial class TouchedFields
{
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

    /// <summary>True after a Save attempt (or "show the problems"): every error shows.</summary>
    public bool All { get; private set; }

    public void ShowAll() => All = true;

    public void Clear()
    {
        _paths.Clear();
        All = false;
    }

    /// <summary>Remembers every leaf that differs between the draft before and after an edit.</summary>
    public void Record(JsonNode? before, JsonNode? after) => Diff(before, after, "");

    /// <summary>
    /// True when the error at <paramref name="errorPath"/> (<c>steps[1].config.to</c>) should show: the field itself
    /// or something inside it was touched.
    /// </summary>
    public bool Shows(string errorPath, JsonObject root)
    {
        if (All)
        {
            return true;
        }
        var path = Stable(errorPath, root);
        return _paths.Any(touched => touched == path || touched.StartsWith(path + ".", StringComparison.Ordinal) || touched.StartsWith(path + "[", StringComparison.Ordinal));
    }

    private void Diff(JsonNode? before, JsonNode? after, string path)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }
        if (path == "steps" && after is JsonArray steps)
        {
            var old = (before as JsonArray ?? []).OfType<JsonObject>().GroupBy(IdOf).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var step in steps.OfType<JsonObject>())
            {
                Diff(old.GetValueOrDefault(IdOf(step)), step, $"steps#{IdOf(step)}");
            }
            return;
        }
        if (after is JsonObject fields && fields.Count > 0 && before is JsonObject or null)
        {
            var earlier = before as JsonObject;
            foreach (var name in fields.Select(f => f.Key).Union(earlier?.Select(f => f.Key) ?? []))
            {
                Diff(earlier?[name], fields[name], path.Length == 0 ? name : $"{path}.{name}");
            }
            return;
        }
        _paths.Add(path);
    }

    /// <summary><c>steps[1].config.to</c> → <c>steps#send.config.to</c>, by the id the step has now.</summary>
    private static string Stable(string errorPath, JsonObject root)
    {
        var match = StepIndex().Match(errorPath);
        if (!match.Success || root["steps"] is not JsonArray steps || int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var index && index >= steps.Count)
        {
            return errorPath;
        }
        return $"steps#{(steps[index] is JsonObject step ? IdOf(step) : "")}{errorPath[match.Length..]}";
    }

    private static string IdOf(JsonObject step) => WorkflowDraft.Text(step, StepField.Id) ?? "";

    [GeneratedRegex(@"^steps\[(\d+)\]")]
    private static partial Regex StepIndex();
}
