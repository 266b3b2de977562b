using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Preflight;

/// <summary>
/// What templates would see in a run that has not happened. The sample input is the trigger's <c>body</c>, as for
/// <c>execute</c> (a schedule's trigger also has <c>scheduledAt</c> and <c>firedAt</c>, a webhook's <c>headers</c> and
/// <c>query</c>; an event trigger's is the sample itself). <c>vars</c> are the desk's global <c>vars.*</c> settings
/// overlaid with the workflow's <c>settings.vars</c>. A secret that exists reads <c>***</c>: its value never leaves
/// the store. Another step's output cannot be known before running, so <c>${steps.…}</c> is left as a readable
/// placeholder (<see cref="Placehold"/>) instead of being called unknown.
/// </summary>
public static class PreflightScope
{
    public const string StepsRoot = "steps";

    public static JsonObject Build(
        WorkflowDefinition definition, Guid workflowId, JsonObject input, IReadOnlyDictionary<string, JsonNode?> globalVars,
        IEnumerable<string> secretNames, DateTimeOffset now)
    {
        var trigger = TriggerOf(definition.Trigger.Type, input, now);
        var vars = new JsonObject();
        foreach (var (name, value) in globalVars)
        {
            vars[name] = value?.DeepClone();
        }
        foreach (var (name, value) in definition.Settings?.Vars ?? [])
        {
            vars[name] = value?.DeepClone();
        }
        var scope = new JsonObject
        {
            ["trigger"] = trigger,
            [StepsRoot] = new JsonObject(),
            ["workflow"] = new JsonObject { ["id"] = workflowId.ToString(), ["name"] = definition.Name, ["version"] = 0 },
            ["execution"] = new JsonObject
            {
                ["id"] = Guid.Empty.ToString(),
                ["startedAt"] = now.ToString("O", CultureInfo.InvariantCulture),
                ["correlationId"] = "preflight",
            },
            ["secrets"] = new JsonObject(secretNames.Select(n => KeyValuePair.Create(n, (JsonNode?)JsonValue.Create(SecretMasker.Mask)))),
            ["vars"] = vars,
            ["now"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["today"] = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (definition.Trigger.Type == TriggerTypes.Webhook)
        {
            scope["webhook"] = trigger.DeepClone();
        }
        return scope;
    }

    private static JsonObject TriggerOf(string type, JsonObject input, DateTimeOffset now) => type switch
    {
        TriggerTypes.Event => (JsonObject)input.DeepClone(),
        TriggerTypes.Schedule => new JsonObject { ["body"] = input.DeepClone(), ["scheduledAt"] = now, ["firedAt"] = now },
        TriggerTypes.Webhook => new JsonObject { ["body"] = input.DeepClone(), ["headers"] = new JsonObject(), ["query"] = new JsonObject() },
        _ => new JsonObject { ["body"] = input.DeepClone() },
    };

    /// <summary>True when an expression (or its fallback) reads another step's output, known only while running.</summary>
    public static bool ReadsSteps(TemplateExpression expression)
    {
        for (var e = expression; e is not null; e = e.FallbackPath)
        {
            if (e.Path.Root == StepsRoot)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>How an output that is not known yet reads in the plan: <c>⟨steps.fetch.output.id⟩</c>.</summary>
    public static string Placeholder(TemplateExpression expression) => $"⟨{expression.Path.Text}⟩";

    /// <summary>A copy of a value with every template that reads another step's output replaced by its placeholder.</summary>
    public static JsonNode? Placehold(JsonNode? value) => value switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Placehold(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Placehold).ToArray()),
        JsonValue v when v.TryGetText(out var text) && TemplateExpression.ContainsTemplate(text) => JsonValue.Create(PlaceholdText(text)),
        _ => value.DeepClone(),
    };

    private static string PlaceholdText(string text)
    {
        var builder = new StringBuilder();
        var last = 0;
        foreach (var (index, length, body) in TemplateExpression.Find(text))
        {
            builder.Append(text, last, index - last);
            builder.Append(TryParse(body) is { } expression && ReadsSteps(expression) ? Placeholder(expression) : text.AsSpan(index, length));
            last = index + length;
        }
        builder.Append(text, last, text.Length - last);
        return builder.ToString();
    }

    /// <summary>The expression, or null when it does not parse (validation reports that).</summary>
    public static TemplateExpression? TryParse(string body)
    {
        try
        {
            return TemplateExpression.Parse(body);
        }
        catch (TemplateException)
        {
            return null;
        }
    }
}
