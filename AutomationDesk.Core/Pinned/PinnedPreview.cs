using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Security;

namespace AutomationDesk.Core.Pinned;

/// <summary>
/// What a template field resolves to against the pinned data, for the preview beside it. The scope has the run's shape
/// (trigger, steps.&lt;id&gt;.output, vars, workflow, execution, now, today) with the pinned trigger and outputs; a
/// secret reads <c>***</c>, so its value never reaches the page. The real resolver decides, so the preview fails where a
/// run would, with its words.
/// </summary>
public static class PinnedPreview
{
    public static JsonObject Scope(
        PinnedData data, IEnumerable<string> secretNames, IReadOnlyDictionary<string, JsonNode?> vars, string workflowName, DateTimeOffset now)
    {
        var steps = new JsonObject();
        foreach (var step in data.Steps)
        {
            steps[step.StepId] = new JsonObject { ["output"] = step.Output?.DeepClone(), ["status"] = "Succeeded" };
        }
        return new JsonObject
        {
            ["trigger"] = data.Trigger?.DeepClone() ?? new JsonObject { ["body"] = new JsonObject() },
            ["steps"] = steps,
            ["workflow"] = new JsonObject { ["id"] = data.WorkflowId.ToString(), ["name"] = workflowName, ["version"] = 0 },
            ["execution"] = new JsonObject { ["id"] = Guid.Empty.ToString(), ["startedAt"] = Text(now), ["correlationId"] = "preview" },
            ["secrets"] = new JsonObject(secretNames.Select(n => KeyValuePair.Create(n, (JsonNode?)JsonValue.Create(SecretMasker.Mask)))),
            ["vars"] = new JsonObject(vars.Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone()))),
            ["now"] = Text(now),
            ["today"] = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The text's templates resolved: the value as JSON text, or null with the reason it cannot be resolved.</summary>
    public static (string? Value, string? Reason) Resolve(string text, JsonObject scope)
    {
        try
        {
            var value = TemplateResolver.ResolveText(text, scope);
            return (value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null", null);
        }
        catch (TemplateException e)
        {
            return (null, e.Message);
        }
    }

    private static string Text(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
