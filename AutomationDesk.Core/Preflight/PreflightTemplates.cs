using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Preflight;

/// <summary>
/// Resolves every template of a value against a preflight scope (<see cref="PreflightScope"/>), one at a time, so each
/// unknown path becomes a finding that names its field and says what to do: create the secret, set the variable, or
/// add the field to the sample input.
/// </summary>
public static class PreflightTemplates
{
    /// <summary>
    /// The findings of every template in <paramref name="value"/>; <paramref name="field"/> is its path
    /// (<c>steps[1].config</c>). Templates reading another step's output, or a root in <paramref name="skipRoots"/>
    /// (a foreach's <c>item</c>), are left alone.
    /// </summary>
    public static IEnumerable<PreflightFinding> Check(JsonNode? value, string field, string? stepId, JsonObject scope, IReadOnlyCollection<string> skipRoots)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var finding in obj.SelectMany(p => Check(p.Value, $"{field}.{p.Key}", stepId, scope, skipRoots)))
                {
                    yield return finding;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var finding in Check(array[i], $"{field}[{i}]", stepId, scope, skipRoots))
                    {
                        yield return finding;
                    }
                }
                break;
            case JsonValue v when v.TryGetText(out var text) && TemplateExpression.ContainsTemplate(text):
                foreach (var (_, _, body) in TemplateExpression.Find(text))
                {
                    if (CheckOne(body, field, stepId, scope, skipRoots) is { } finding)
                    {
                        yield return finding;
                    }
                }
                break;
        }
    }

    private static PreflightFinding? CheckOne(string body, string field, string? stepId, JsonObject scope, IReadOnlyCollection<string> skipRoots)
    {
        if (PreflightScope.TryParse(body) is not { } expression)
        {
            return new PreflightFinding(PreflightSeverity.Error, stepId, field, $"The template `${{{body}}}` cannot be read.",
                "Write a path such as `${trigger.body.id}`, optionally with a fallback: `${trigger.body.id ?? 'none'}`.");
        }
        if (PreflightScope.ReadsSteps(expression) || skipRoots.Contains(expression.Path.Root))
        {
            return null;
        }
        try
        {
            TemplateResolver.Evaluate(expression, scope);
            return null;
        }
        catch (TemplateException e)
        {
            return Unresolved(e, scope, stepId, field);
        }
    }

    /// <summary>A finding for a template that threw while resolving: an unknown path when its path reads, else its message.</summary>
    public static PreflightFinding Unresolved(TemplateException e, JsonObject scope, string? stepId, string field)
    {
        try
        {
            return Unknown(TemplatePath.Parse(e.Path), scope, stepId, field);
        }
        catch (TemplateException)
        {
            return new PreflightFinding(PreflightSeverity.Error, stepId, field, e.Message, "Fix the template in this field.");
        }
    }

    /// <summary>A finding for a path that does not resolve, worded for where the value should come from.</summary>
    public static PreflightFinding Unknown(TemplatePath path, JsonObject scope, string? stepId, string field)
    {
        TemplateResolver.TryLookup(path, scope, out _, out var missing);
        var name = path.Segments.Count > 1 ? path.Segments[1].ToString() : "";
        return path.Root switch
        {
            "secrets" => new PreflightFinding(PreflightSeverity.Error, stepId, field,
                $"The secret `{name}` does not exist, so `${{{path.Text}}}` cannot be resolved.",
                $"Create the secret `{name}` in Admin › Secrets."),
            "vars" => new PreflightFinding(PreflightSeverity.Error, stepId, field,
                $"The variable `vars.{name}` is not set, so `${{{path.Text}}}` cannot be resolved.",
                $"Set `vars.{name}` in Admin › Settings, or add `{name}` to the workflow's settings.vars."),
            "trigger" or "webhook" => new PreflightFinding(PreflightSeverity.Error, stepId, field,
                $"`${{{path.Text}}}` does not resolve with the sample input: `{missing}` was not found.",
                $"Add `{missing}` to the sample input if real triggers send it, or give a fallback: `${{{path.Text} ?? ''}}`."),
            _ => new PreflightFinding(PreflightSeverity.Error, stepId, field,
                $"Unknown template path `{path.Text}`: `{missing}` was not found.",
                $"Check the path: templates read {string.Join(", ", WorkflowDefinitionReader.TemplateRoots)}."),
        };
    }
}
