using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Workflows;

/// <summary>
/// Reads and checks a workflow definition. Everything wrong is reported at once, each problem with the field
/// path it names (<c>steps[1].dependsOn</c>), so a person or the editor can show it beside the field.
/// The clock (the desk's <see cref="TimeProvider"/>) dates checks such as "a delay until at most ten years from now".
/// </summary>
public sealed partial class WorkflowDefinitionReader(StepRegistry registry, TimeProvider? time = null)
{
    public const int MaxSteps = 200;

    public static readonly IReadOnlyList<string> TemplateRoots =
        ["trigger", "webhook", "steps", "workflow", "execution", "secrets", "vars", "now", "today"];

    /// <summary>What a step's per-item field (<c>foreach</c>'s <c>input</c>) may also read: the item and its position.</summary>
    public static readonly IReadOnlyList<string> ItemTemplateRoots = ["item", "index"];

    private static readonly string[] NotifyEvents = ["started", "succeeded", "failed"];

    private const string NoControlCharacters = "No control characters (line breaks, tabs and the like).";

    [GeneratedRegex(@"^[a-z][a-z0-9_]*\z")]
    private static partial Regex StepIdPattern();

    /// <summary>Parses and validates; throws <see cref="WorkflowValidationException"/> with every problem.</summary>
    public WorkflowDefinition Read(string json)
    {
        if (IncomingJson.FindRepeatedKey(System.Text.Encoding.UTF8.GetBytes(json)) is { } repeated)
        {
            throw Single(repeated.Path == "$" ? repeated.Key : $"{repeated.Path[2..]}.{repeated.Key}", repeated.Message);
        }
        WorkflowDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<WorkflowDefinition>(json, DeskJson.Options);
        }
        catch (JsonException e) when (e.InnerException?.GetType().Name == "JsonReaderException")
        {
            throw Single("$", $"Malformed JSON at line {e.LineNumber + 1}: {e.Message.Split(" Path:")[0]}");
        }
        catch (JsonException e)
        {
            var errors = new ValidationErrors();
            foreach (var (field, message) in ConfigErrors.Describe(e, ""))
            {
                errors.Add(field.Length == 0 ? "$" : field, message);
            }
            throw new WorkflowValidationException(errors.ToDictionary());
        }
        if (definition is null)
        {
            throw Single("$", "A workflow definition must be a JSON object.");
        }
        Validate(definition);
        return definition;
    }

    public WorkflowDefinition Read(JsonNode node) => Read(node.ToJsonString());

    /// <summary>Checks a definition already in memory (for example one the editor built).</summary>
    public void Validate(WorkflowDefinition definition)
    {
        var errors = new ValidationErrors();
        if (definition.SchemaVersion != 1)
        {
            errors.Add("schemaVersion", "Only schemaVersion 1 is supported.");
        }
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            errors.Add("name", "Required.");
        }
        else if (definition.Name.Length > 200)
        {
            errors.Add("name", "At most 200 characters.");
        }
        else if (DefinitionLimits.HasControlCharacter(definition.Name))
        {
            errors.Add("name", NoControlCharacters);
        }
        if (definition.Description is { Length: > 2000 })
        {
            errors.Add("description", "At most 2000 characters.");
        }
        for (var i = 0; i < definition.Tags.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(definition.Tags[i]) || definition.Tags[i].Length > 50)
            {
                errors.Add($"tags[{i}]", "A tag is 1 to 50 characters.");
            }
            else if (DefinitionLimits.HasControlCharacter(definition.Tags[i]))
            {
                errors.Add($"tags[{i}]", NoControlCharacters);
            }
        }
        TriggerRules.Check(definition.Trigger, errors);
        DefinitionLimits.CheckDurations(definition, errors);
        ValidateSteps(definition, errors);
        ValidateSettings(definition, errors);
        errors.ThrowIfAny();
    }

    private void ValidateSteps(WorkflowDefinition definition, ValidationErrors errors)
    {
        var steps = definition.Steps;
        if (steps.Count == 0)
        {
            errors.Add("steps", "A workflow needs at least one step.");
            return;
        }
        if (steps.Count > MaxSteps)
        {
            errors.Add("steps", $"At most {MaxSteps} steps.");
            return;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var path = $"steps[{i}]";
            if (!StepIdPattern().IsMatch(step.Id) || step.Id.Length > 64)
            {
                errors.Add($"{path}.id", $"'{step.Id}' is not a step id: use lower-case letters, digits and _, starting with a letter (at most 64).");
            }
            else if (!ids.Add(step.Id))
            {
                errors.Add($"{path}.id", $"Step id '{step.Id}' is used twice.");
            }
            if (step.Name is { Length: > 200 })
            {
                errors.Add($"{path}.name", "At most 200 characters.");
            }
            else if (step.Name is { } stepName && DefinitionLimits.HasControlCharacter(stepName))
            {
                errors.Add($"{path}.name", NoControlCharacters);
            }
            if (step.OnError is not (OnErrorModes.Fail or OnErrorModes.Continue))
            {
                errors.Add($"{path}.onError", "Must be fail or continue.");
            }
            if (step.Retry is { } retry)
            {
                if (retry.MaxAttempts is < 1 or > 20)
                {
                    errors.Add($"{path}.retry.maxAttempts", "Between 1 and 20.");
                }
                if (retry.Backoff is not ("fixed" or "exponential"))
                {
                    errors.Add($"{path}.retry.backoff", "Must be fixed or exponential.");
                }
            }
            if (step.When is not null)
            {
                foreach (var (field, message) in Condition.Validate(step.When, $"{path}.when"))
                {
                    errors.Add(field, message);
                }
            }
            if (registry.Find(step.Type) is not { } descriptor)
            {
                errors.Add($"{path}.type", $"Unknown step type '{step.Type}'. Known types: {string.Join(", ", registry.All.Select(d => d.Name).Order())}.");
            }
            else
            {
                ValidateConfig(descriptor, step.Config, $"{path}.config", errors);
                if (descriptor.MaxTimeout is { } max && step.Timeout > max)
                {
                    errors.Add($"{path}.timeout", $"A {descriptor.Name} step may take at most {DefinitionLimits.Describe(max)}.");
                }
            }
        }
        var dependencies = WorkflowGraph.Dependencies(steps);
        for (var i = 0; i < steps.Count; i++)
        {
            foreach (var dependency in steps[i].DependsOn ?? [])
            {
                if (dependency == steps[i].Id)
                {
                    errors.Add($"steps[{i}].dependsOn", $"Step '{steps[i].Id}' cannot depend on itself.");
                }
                else if (!ids.Contains(dependency))
                {
                    errors.Add($"steps[{i}].dependsOn", $"Step '{dependency}' does not exist.");
                }
            }
        }
        if (WorkflowGraph.FindCycle(steps, dependencies) is { } cycle)
        {
            var index = steps.ToList().FindIndex(s => s.Id == cycle[0]);
            errors.Add($"steps[{index}].dependsOn", $"Steps form a cycle: {string.Join(" → ", cycle)}.");
            return;
        }
        var upstream = WorkflowGraph.Upstream(steps, dependencies);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var before = upstream.GetValueOrDefault(step.Id) ?? new HashSet<string>();
            var perItem = registry.Find(step.Type)?.PerItemField;
            // Each config property on its own, so a bad template is reported at the field that holds it.
            var literal = registry.Find(step.Type)?.LiteralFields ?? new HashSet<string>();
            foreach (var (name, value) in step.Config.Where(p => !literal.Contains(p.Key)))
            {
                CheckTemplates(value, $"steps[{i}].config.{name}", before, ids, step.Id, errors, perItem: name == perItem, upstream);
            }
            CheckTemplates(step.When, $"steps[{i}].when", before, ids, step.Id, errors, upstreamOfAll: upstream);
        }
    }

    private void ValidateConfig(StepDescriptor descriptor, JsonObject config, string path, ValidationErrors errors)
    {
        foreach (var (name, value) in config)
        {
            if (!descriptor.ConfigProperties.TryGetValue(name, out var property))
            {
                errors.Add($"{path}.{name}", $"Unknown property '{name}' for a {descriptor.Name} step. Known: {string.Join(", ", descriptor.ConfigProperties.Keys)}.");
                continue;
            }
            if (name == Connections.ConnectionNames.Field && value is not null && value.ToJsonString().Contains("${", StringComparison.Ordinal))
            {
                // The run masks the secrets of the connections its definition names: a name known only when it runs could not be.
                errors.Add($"{path}.{name}", "A connection is named as it is, not with a template.");
                continue;
            }
            if (value is null || (!descriptor.LiteralFields.Contains(name)
                && (TemplateResolver.FindExpressions(value).Any() || value.ToJsonString().Contains("${", StringComparison.Ordinal))))
            {
                continue; // A template's type is known only when the run resolves it.
            }
            try
            {
                if (value.Deserialize(property.PropertyType, DeskJson.Options) is { } literal)
                {
                    CheckRules(property, literal, $"{path}.{name}", errors);
                }
            }
            catch (JsonException e)
            {
                foreach (var (field, message) in ConfigErrors.Describe(e, $"{path}.{name}"))
                {
                    errors.Add(field, message);
                }
            }
            catch (TemplateException)
            {
                // Reported by CheckTemplates with the exact path.
            }
        }
        foreach (var required in descriptor.ConfigProperties.Values.Where(p => p.IsRequired && !config.ContainsKey(p.Name)))
        {
            errors.Add($"{path}.{required.Name}", "Required.");
        }
    }

    /// <summary>The <see cref="ConfigRuleAttribute"/>s of a config property, over a value given as it is.</summary>
    private void CheckRules(JsonPropertyInfo property, object literal, string path, ValidationErrors errors)
    {
        var rules = property.AttributeProvider?.GetCustomAttributes(typeof(ConfigRuleAttribute), inherit: true) ?? [];
        foreach (var rule in rules.Cast<ConfigRuleAttribute>())
        {
            if (rule.Check(literal, (time ?? TimeProvider.System).GetUtcNow()) is { } problem)
            {
                errors.Add(path, problem);
            }
        }
    }

    private static void CheckTemplates(
        JsonNode? value, string path, IReadOnlySet<string> upstream, IReadOnlySet<string> ids, string stepId, ValidationErrors errors, bool perItem = false,
        IReadOnlyDictionary<string, IReadOnlySet<string>>? upstreamOfAll = null)
    {
        List<TemplateExpression> expressions;
        try
        {
            expressions = TemplateResolver.FindExpressions(value).ToList();
        }
        catch (TemplateException e)
        {
            errors.Add(path, e.Message);
            return;
        }
        foreach (var expression in expressions)
        {
            var segments = expression.Path.Segments;
            if (perItem && ItemTemplateRoots.Contains(expression.Path.Root))
            {
                continue;
            }
            if (!TemplateRoots.Contains(expression.Path.Root))
            {
                var roots = perItem ? TemplateRoots.Concat(ItemTemplateRoots) : TemplateRoots;
                errors.Add(path, $"Template '${{{expression.Path.Text}}}' starts with '{expression.Path.Root}': use one of {string.Join(", ", roots)}.");
            }
            else if (expression.Path.Root == "steps")
            {
                if (segments.Count < 2 || segments[1].Name is not { } referenced)
                {
                    errors.Add(path, $"Template '${{{expression.Path.Text}}}' must name a step: steps.<id>.output.");
                }
                else if (!ids.Contains(referenced))
                {
                    errors.Add(path, $"Template '${{{expression.Path.Text}}}' names step '{referenced}', which does not exist.");
                }
                else if (upstreamOfAll?.GetValueOrDefault(referenced)?.Contains(stepId) == true)
                {
                    // Adding the later step to dependsOn would make a cycle: the step has to run after it instead.
                    errors.Add(path, $"Template '${{{expression.Path.Text}}}' names step '{referenced}', which runs after '{stepId}': move this step below '{referenced}'.");
                }
                else if (!upstream.Contains(referenced))
                {
                    errors.Add(path, $"Template '${{{expression.Path.Text}}}' names step '{referenced}', which is not upstream of '{stepId}': add it to dependsOn.");
                }
            }
        }
    }

    private static void ValidateSettings(WorkflowDefinition definition, ValidationErrors errors)
    {
        if (definition.Settings is not { } settings)
        {
            return;
        }
        if (settings.OnFailure is { } onFailure && onFailure.WorkflowId == Guid.Empty)
        {
            errors.Add("settings.onFailure.workflowId", "Choose the error workflow to start when a run fails.");
        }
        if (settings.MaxConcurrency is < 1 or > 64)
        {
            errors.Add("settings.maxConcurrency", "Between 1 and 64.");
        }
        if (settings.RetentionDays is < Settings.DeskSettingKeys.MinRetentionDays or > Settings.DeskSettingKeys.MaxRetentionDays)
        {
            errors.Add("settings.retentionDays", $"Keep runs for {Settings.DeskSettingKeys.DaysRule}, or leave it out to follow the desk's {Settings.DeskSettingKeys.ExecutionsDays}.");
        }
        foreach (var notify in settings.NotifyOn.Where(n => !NotifyEvents.Contains(n)))
        {
            errors.Add("settings.notifyOn", $"'{notify}' is not one of {string.Join(", ", NotifyEvents)}.");
        }
        foreach (var (name, template) in settings.Keys ?? new Dictionary<string, string>())
        {
            List<TemplateExpression> expressions;
            try
            {
                expressions = TemplateResolver.FindExpressions(JsonValue.Create(template)).ToList();
            }
            catch (TemplateException e)
            {
                errors.Add($"settings.keys.{name}", e.Message);
                continue;
            }
            if (expressions.FirstOrDefault(e => e.Path.Root is "steps" or "secrets") is { } bad)
            {
                errors.Add($"settings.keys.{name}", $"A business key is read when the run starts: '${{{bad.Path.Text}}}' is not known then.");
            }
        }
        if (settings.Output is not null)
        {
            var ids = definition.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            CheckTemplates(settings.Output, "settings.output", ids, ids, "the workflow output", errors);
        }
    }

    private static WorkflowValidationException Single(string path, string message) =>
        new(new Dictionary<string, string[]> { [path] = [message] });
}
