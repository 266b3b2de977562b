using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// One of the draft's errors in the form's words: "Step 2 · Send email › To: Required." instead of
/// <c>steps[1].config.to</c>. <see cref="Path"/> is the field to scroll to; <see cref="MoveBelow"/> is set when the fix is
/// to move the step below another one (a template names a step that runs after it).
/// </summary>
public sealed partial record DraftProblem(string Path, string Where, string Message, int? StepIndex, string? MoveBelow)
{
    private static readonly Dictionary<string, string> StepFieldLabels = new(StringComparer.Ordinal)
    {
        [StepField.Id] = "Id",
        [StepField.Name] = "Name",
        [StepField.Type] = "Type",
        [StepField.DependsOn] = "Runs after",
        [StepField.When] = "When",
        [StepField.Retry] = "Retry",
        [StepField.Timeout] = "Timeout",
        [StepField.OnError] = "On error",
    };

    private static readonly Dictionary<string, string> WorkflowFieldLabels = new(StringComparer.Ordinal)
    {
        ["name"] = "Name",
        ["description"] = "Description",
        ["tags"] = "Tags",
        ["steps"] = "Steps",
        ["trigger"] = "Trigger",
        ["settings"] = "Settings",
    };

    public string Text => $"{Where}: {Message}";

    /// <summary>The draft's errors, in the order of the form: the workflow's fields, then the steps by number.</summary>
    public static IReadOnlyList<DraftProblem> Of(WorkflowDraft draft, StepRegistry registry, bool visibleOnly) =>
        draft.Errors
            .Where(e => !visibleOnly || draft.Shows(e.Key))
            .Select(e => Describe(e.Key, string.Join(" ", e.Value), draft, registry))
            .OrderBy(p => p.StepIndex ?? -1)
            .ToList();

    private static DraftProblem Describe(string path, string message, WorkflowDraft draft, StepRegistry registry)
    {
        var step = StepPath().Match(path);
        if (!step.Success)
        {
            return new DraftProblem(path, WorkflowWhere(path, draft.Labels), message, null, null);
        }
        var index = int.Parse(step.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var where = $"Step {index + 1}";
        if (index < draft.Steps.Count && draft.Steps[index] is JsonObject definition)
        {
            var type = WorkflowDraft.Text(definition, StepField.Type) ?? "";
            where += $" · {WorkflowDraft.Text(definition, StepField.Name) ?? registry.Find(type)?.Label ?? type}";
        }
        var field = step.Groups[2].Value;
        if (field.Length > 0)
        {
            where += $" › {StepFieldWhere(path, field, draft.Labels)}";
        }
        var below = MoveBelowAdvice().Match(message);
        return new DraftProblem(path, where, message, index, below.Success ? below.Groups[1].Value : null);
    }

    private static string StepFieldWhere(string path, string field, FieldLabels labels)
    {
        var first = field.Split('.', '[')[0];
        if (first == StepField.Config)
        {
            var parts = field.Split('.');
            return parts.Length > 1 ? labels.Of(path[..(path.Length - field.Length)] + $"{StepField.Config}.{parts[1].Split('[')[0]}") : "Config";
        }
        var label = StepFieldLabels.GetValueOrDefault(first) ?? labels.Of(first);
        return field == first ? label : $"{label} › {labels.Of(path)}";
    }

    private static string WorkflowWhere(string path, FieldLabels labels)
    {
        var first = path.Split('.', '[')[0];
        var label = WorkflowFieldLabels.GetValueOrDefault(first) ?? labels.Of(first);
        return path == first || first == "tags" ? label : $"{label} › {labels.Of(path)}";
    }

    [GeneratedRegex(@"^steps\[(\d+)\]\.?(.*)$")]
    private static partial Regex StepPath();

    /// <summary>Core's advice for a template naming a step that runs later (WorkflowDefinitionReader.CheckTemplates).</summary>
    [GeneratedRegex(@"move this step below '([^']+)'")]
    private static partial Regex MoveBelowAdvice();
}
