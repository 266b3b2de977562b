using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;

namespace AutomationDesk.Web.Components.Pages.Workflows.StepForms;

/// <summary>
/// What every step type's form shares: the step's config inside the draft, the field paths Core's errors use,
/// and the template paths offered at this step. A form is found by its step type's name: <c>http.request</c> →
/// <c>HttpRequestForm</c>.
/// </summary>
public abstract class StepForm : ComponentBase
{
    [CascadingParameter] public WorkflowDraft Draft { get; set; } = null!;

    [CascadingParameter] public TemplateHints Hints { get; set; } = TemplateHints.None;

    [Parameter, EditorRequired] public int StepIndex { get; set; }

    protected JsonObject Config => Draft.Config(StepIndex);

    // A removed step's form can be asked to render once more before its card goes away.
    protected override bool ShouldRender() => StepIndex < Draft.Steps.Count;

    protected IReadOnlyList<string> Paths => Draft.TemplatePaths(StepIndex, Hints);

    /// <summary>The paths one field may use: <see cref="Paths"/>, and <c>item</c>/<c>index</c> in a field resolved per item.</summary>
    protected IReadOnlyList<string> PathsOf(string field) => Draft.TemplatePaths(StepIndex, Hints, field);

    /// <summary>A workflow id the config names; null when none is set or it is not an id (Core's error then names the field).</summary>
    protected Guid? IdOf(string field) => Guid.TryParse(TextOf(field), out var id) ? id : null;

    /// <summary>A number the config holds, or null when it holds none (or a template).</summary>
    protected int? IntOf(string field) => Config[field] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    /// <summary>A switch the config holds, or <paramref name="fallback"/> (the config's default) when it is not set.</summary>
    protected bool FlagOf(string field, bool fallback) => Config[field] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : fallback;

    protected string PathOf(string field) => $"steps[{StepIndex}].config.{field}";

    protected string? ErrorOf(string field) => Draft.ErrorAt(PathOf(field));

    protected string? TextOf(string field) => WorkflowDraft.Text(Config, field);

    protected void SetText(string field, string? value)
    {
        WorkflowDraft.SetText(Config, field, value);
        Draft.Touch();
    }

    protected void SetNode(string field, JsonNode? value)
    {
        if (value is null)
        {
            Config.Remove(field);
        }
        else
        {
            Config[field] = value;
        }
        Draft.Touch();
    }

    /// <summary>The form component for a step type, or null when the type has none.</summary>
    public static Type? FormFor(string stepType)
    {
        var name = string.Concat(stepType.Split('.', '_', '-').Select(part => part.Length == 0 ? "" : char.ToUpperInvariant(part[0]) + part[1..]));
        return typeof(StepForm).Assembly.GetType($"{typeof(StepForm).Namespace}.{name}Form");
    }
}
