using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutomationDesk.Core.Workflows;

/// <summary>A seed-era definition rewritten to schemaVersion 1, with a line for each thing the rewrite changed.</summary>
public sealed record SeedEraRewrite(JsonObject Definition, IReadOnlyList<string> Notes);

/// <summary>
/// Reads the definitions of the desk's first era (<c>trigger_type</c> + <c>trigger_config</c>, <c>actions[]</c>,
/// <c>${webhook.…}</c> and <c>${action_N_result.…}</c> templates) and writes them as schemaVersion 1. Whatever has
/// no place in the current format is refused with the seed-era field named, never dropped silently.
/// </summary>
public static partial class SeedEraDefinition
{
    /// <summary>Seed-era action type → step type, and the seed-era config names each one renames.</summary>
    private static readonly Dictionary<string, (string StepType, Dictionary<string, string> Renames)> Actions = new(StringComparer.Ordinal)
    {
        ["send_email"] = ("email.send", new() { ["text"] = "body", ["html_body"] = "html", ["recipient"] = "to", ["recipients"] = "to" }),
        ["call_webhook"] = ("http.request", new() { ["payload"] = "body", ["data"] = "body", ["params"] = "query", ["content_type"] = "contentType" }),
        ["create_record"] = ("record.create", new() { ["collection_name"] = "collection", ["table"] = "collection", ["record"] = "data", ["fields"] = "data", ["values"] = "data" }),
        ["send_notification"] = ("notification.send", new() { ["body"] = "message", ["text"] = "message", ["level"] = "type" }),
        ["run_ai_agent"] = ("ai.prompt", new()
        {
            ["input"] = "prompt", ["system_prompt"] = "system", ["instructions"] = "system", ["max_tokens"] = "maxTokens",
            ["output_format"] = "responseFormat", ["output_schema"] = "schema", ["json_schema"] = "schema",
        }),
    };

    /// <summary>Fields a seed-era export carried that belong to the old desk, not to the definition.</summary>
    private static readonly string[] OldDeskFields = ["created_at", "updated_at", "created_by", "user_id", "owner_id", "last_run_at", "last_run", "run_count", "version", "schemaVersion"];

    private static readonly string[] DefinitionFields = ["id", "name", "description", "tags", "settings"];

    private static readonly (string Name, TimeSpan Unit)[] IntervalUnits =
        [("seconds", TimeSpan.FromSeconds(1)), ("minutes", TimeSpan.FromMinutes(1)), ("hours", TimeSpan.FromHours(1)), ("days", TimeSpan.FromDays(1)), ("weeks", TimeSpan.FromDays(7))];

    [GeneratedRegex(@"\$\{([^{}]*)\}")]
    private static partial Regex TemplatePattern();

    [GeneratedRegex(@"(?<![\w.$])webhook(?=$|[.\[\s?}])")]
    private static partial Regex WebhookRoot();

    [GeneratedRegex(@"(?<![\w.$])action_(\d+)_result(?![\w$])")]
    private static partial Regex ActionResult();

    /// <summary>True when the object has a field only the seed era wrote.</summary>
    public static bool IsSeedEra(JsonObject item) =>
        item.ContainsKey("actions") || item.ContainsKey("trigger_type") || item.ContainsKey("trigger_config");

    /// <summary>The step id a seed-era action gets: its type and index, so the same file always gives the same ids.</summary>
    public static string StepId(string actionType, int index) => $"{actionType}_{index}";

    /// <summary>Rewrites to schemaVersion 1; throws <see cref="WorkflowValidationException"/> naming each seed-era field it cannot map.</summary>
    public static SeedEraRewrite Rewrite(JsonObject item)
    {
        var errors = new ValidationErrors();
        var notes = new List<string>();
        var result = new JsonObject { ["schemaVersion"] = 1 };
        foreach (var (name, value) in item)
        {
            switch (name)
            {
                case "is_active" or "active" or "enabled":
                    result["enabled"] = value?.DeepClone();
                    break;
                case "trigger_type" or "trigger_config" or "actions":
                    break;
                case "trigger" when item.ContainsKey("trigger_type") || item.ContainsKey("trigger_config"):
                    errors.Add("trigger", "Give trigger_type and trigger_config, or trigger, not both.");
                    break;
                case "steps" when item.ContainsKey("actions"):
                    errors.Add("steps", "Give actions or steps, not both.");
                    break;
                case "trigger" or "steps":
                    result[name] = value?.DeepClone();
                    break;
                case "id" when value is JsonValue id && id.TryGetValue<string>(out var text) && Guid.TryParse(text, out _):
                    result["id"] = text;
                    break;
                case "id":
                    notes.Add($"The old desk's id {value?.ToJsonString()} is not a desk id: the workflow is matched by its name.");
                    break;
                case var _ when DefinitionFields.Contains(name):
                    result[name] = value?.DeepClone();
                    break;
                case var _ when OldDeskFields.Contains(name):
                    break;
                default:
                    errors.Add(name, $"'{name}' has no place in a workflow definition.");
                    break;
            }
        }
        if (!item.ContainsKey("trigger"))
        {
            result["trigger"] = Trigger(item["trigger_type"], item["trigger_config"], errors, notes);
        }
        if (item["actions"] is { } actions)
        {
            result["steps"] = Steps(actions, errors, notes);
        }
        errors.ThrowIfAny();
        return new SeedEraRewrite(result, notes);
    }

    /// <summary>
    /// Where a problem found in the rewritten definition stands in the seed-era file, so a person finds it in what
    /// they sent: <c>steps[2].config.url</c> → <c>actions[2].config.url</c>.
    /// </summary>
    public static string SeedPath(string path, JsonObject item)
    {
        if (item.ContainsKey("actions") && (path == "steps" || path.StartsWith("steps[", StringComparison.Ordinal)))
        {
            return "actions" + path["steps".Length..];
        }
        if (!item.ContainsKey("trigger") && (path == "trigger" || path.StartsWith("trigger.", StringComparison.Ordinal)))
        {
            return path switch
            {
                "trigger.type" => "trigger_type",
                "trigger.schedule.cron" => "trigger_config.expression",
                "trigger.schedule.timezone" => "trigger_config.timezone",
                _ => "trigger_config",
            };
        }
        return path;
    }

    private static JsonObject Trigger(JsonNode? typeNode, JsonNode? configNode, ValidationErrors errors, List<string> notes)
    {
        if (configNode is not null and not JsonObject)
        {
            errors.Add("trigger_config", "Must be an object.");
            return new JsonObject { ["type"] = TriggerTypes.Manual };
        }
        var config = (JsonObject?)configNode ?? [];
        var configType = Text(config["type"]);
        string? type = null;
        if (typeNode is not null && (typeNode is not JsonValue value || !value.TryGetValue(out type)))
        {
            errors.Add("trigger_type", "Must be a string.");
            return new JsonObject { ["type"] = TriggerTypes.Manual };
        }
        type ??= configType is "cron" or "interval" ? TriggerTypes.Schedule : TriggerTypes.Manual;
        switch (type)
        {
            case "manual" or "webhook":
                foreach (var (name, _) in config)
                {
                    errors.Add($"trigger_config.{name}", $"A {type} trigger has no setting '{name}' the desk can take over: set it up after importing.");
                }
                return new JsonObject { ["type"] = type };
            case "schedule" or "cron" or "interval":
                return Schedule(type == "schedule" ? configType : type, config, errors, notes);
            default:
                errors.Add("trigger_type", $"Unknown seed-era trigger '{type}': manual, webhook, schedule, cron or interval.");
                return new JsonObject { ["type"] = TriggerTypes.Manual };
        }
    }

    private static JsonObject Schedule(string? kind, JsonObject config, ValidationErrors errors, List<string> notes)
    {
        var schedule = new JsonObject();
        var every = TimeSpan.Zero;
        foreach (var (name, value) in config)
        {
            switch (name)
            {
                case "type":
                    break;
                case "timezone" or "tz" or "time_zone":
                    schedule["timezone"] = value?.DeepClone();
                    break;
                case "expression" or "cron" when kind == "cron":
                    schedule["cron"] = value?.DeepClone();
                    break;
                case var _ when kind == "interval" && IntervalUnits.Any(u => u.Name == name):
                    if (value is JsonValue number && number.TryGetValue<double>(out var count) && count > 0)
                    {
                        every += IntervalUnits.Single(u => u.Name == name).Unit * count;
                    }
                    else
                    {
                        errors.Add($"trigger_config.{name}", "A number greater than zero.");
                    }
                    break;
                default:
                    errors.Add($"trigger_config.{name}", kind is "cron" or "interval"
                        ? $"A {kind} schedule has no setting '{name}'."
                        : "Say what kind of schedule this is first: trigger_config.type is cron or interval.");
                    break;
            }
        }
        switch (kind)
        {
            case "cron" when schedule["cron"] is null:
                errors.Add("trigger_config.expression", "A cron schedule needs its expression.");
                break;
            case "interval" when every == TimeSpan.Zero:
                errors.Add("trigger_config", "An interval schedule needs minutes, hours, days or weeks.");
                break;
            case "interval":
                schedule["every"] = every.ToString("c", CultureInfo.InvariantCulture);
                notes.Add($"The interval became trigger.schedule.every {every:c}.");
                break;
            case "cron":
                break;
            default:
                errors.Add("trigger_config.type", "A schedule's type is cron or interval.");
                break;
        }
        return new JsonObject { ["type"] = TriggerTypes.Schedule, ["schedule"] = schedule };
    }

    private static JsonArray Steps(JsonNode actions, ValidationErrors errors, List<string> notes)
    {
        var steps = new JsonArray();
        if (actions is not JsonArray list)
        {
            errors.Add("actions", "Must be a list of actions.");
            return steps;
        }
        var ids = list.Select((action, index) => Text((action as JsonObject)?["type"]) is { } type && Actions.ContainsKey(type) ? StepId(type, index) : null).ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"actions[{i}]";
            if (list[i] is not JsonObject action)
            {
                errors.Add(path, "An action is an object with type and config.");
                continue;
            }
            var type = Text(action["type"]);
            if (type is null || !Actions.TryGetValue(type, out var mapping))
            {
                errors.Add($"{path}.type", type is null
                    ? "Required."
                    : $"'{type}' is not a seed-era action the desk can rewrite: use one of {string.Join(", ", Actions.Keys)}.");
                continue;
            }
            var step = new JsonObject { ["id"] = ids[i], ["type"] = mapping.StepType };
            foreach (var (name, value) in action)
            {
                switch (name)
                {
                    case "type" or "id" or "order" or "position":
                        break;
                    case "name":
                        step["name"] = Templates(value, i, ids, $"{path}.name", errors);
                        break;
                    case "config":
                        step["config"] = Config(value, type, mapping.Renames, i, ids, $"{path}.config", errors);
                        break;
                    case "continue_on_error" when value is JsonValue flag && flag.TryGetValue<bool>(out var proceed):
                        step["onError"] = proceed ? OnErrorModes.Continue : OnErrorModes.Fail;
                        break;
                    default:
                        errors.Add($"{path}.{name}", $"'{name}' has no place in a step.");
                        break;
                }
            }
            step["config"] ??= new JsonObject();
            notes.Add($"{path} ({type}) became step '{ids[i]}' ({mapping.StepType}).");
            steps.Add(step);
        }
        return steps;
    }

    private static JsonObject Config(JsonNode? value, string type, Dictionary<string, string> renames, int index, List<string?> ids, string path, ValidationErrors errors)
    {
        var config = new JsonObject();
        if (value is not JsonObject given)
        {
            if (value is not null)
            {
                errors.Add(path, "Must be an object.");
            }
            return config;
        }
        foreach (var (name, setting) in given)
        {
            var renamed = renames.GetValueOrDefault(name) ?? CamelCase(name);
            if (config.ContainsKey(renamed))
            {
                errors.Add($"{path}.{name}", $"Says again what another setting already says ('{renamed}').");
                continue;
            }
            config[renamed] = type is "call_webhook" or "run_ai_agent" && renamed == "timeout" && setting is JsonValue seconds && seconds.TryGetValue<double>(out var count)
                ? TimeSpan.FromSeconds(count).ToString("c", CultureInfo.InvariantCulture)
                : Templates(setting, index, ids, $"{path}.{name}", errors);
        }
        if (type == "run_ai_agent" && Text(config["responseFormat"]) is "json_object" or "json_schema")
        {
            config["responseFormat"] = "json"; // The seed era passed OpenAI's response_format names through.
        }
        if (type == "call_webhook" && !config.ContainsKey("method"))
        {
            config["method"] = "POST"; // The seed era's webhook call was always a POST unless told otherwise.
        }
        return config;
    }

    /// <summary>The value with its seed-era templates written as today's: <c>webhook.</c> → <c>trigger.</c>, <c>action_N_result</c> → <c>steps.&lt;id&gt;.output</c>.</summary>
    private static JsonNode? Templates(JsonNode? value, int index, List<string?> ids, string path, ValidationErrors errors) => value switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Templates(p.Value, index, ids, path, errors)))),
        JsonArray array => new JsonArray(array.Select(item => Templates(item, index, ids, path, errors)).ToArray()),
        JsonValue given when given.TryGetValue<string>(out var text) => JsonValue.Create(TemplatePattern().Replace(text, match =>
        {
            var body = WebhookRoot().Replace(match.Groups[1].Value, "trigger");
            body = ActionResult().Replace(body, result =>
            {
                var referenced = int.Parse(result.Groups[1].Value, CultureInfo.InvariantCulture);
                if (referenced >= index || ids[referenced] is not { } id)
                {
                    errors.Add(path, $"'{match.Value}' names action {referenced}, which does not run before action {index}.");
                    return result.Value;
                }
                return $"steps.{id}.output";
            });
            return "${" + body + "}";
        })),
        _ => value?.DeepClone(),
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string CamelCase(string name)
    {
        var parts = name.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length <= 1 ? name : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
