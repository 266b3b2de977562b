using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The definition the editor is changing, kept as the same JSON the API and the JSON tab show, so the form and the
/// JSON view never disagree. Core's reader checks it after every change; its errors are keyed by field path.
/// </summary>
public sealed class WorkflowDraft(WorkflowDefinitionReader reader, StepRegistry registry)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] ServerFields = ["id", "version", "createdAt", "updatedAt"];

    private readonly TouchedFields _touched = new();
    private JsonObject _before = NewDefinition();
    private JsonObject _saved = NewDefinition();

    public JsonObject Root { get; private set; } = NewDefinition();

    /// <summary>The labels the form's fields show, for problems named in the form's words.</summary>
    public FieldLabels Labels { get; } = new();

    /// <summary>True while the draft differs from what was loaded or last saved: leaving then asks first.</summary>
    public bool HasUnsavedChanges => !JsonNode.DeepEquals(Root, _saved);

    /// <summary>The stored workflow this draft edits; null for a new one.</summary>
    public Guid? WorkflowId { get; set; }

    /// <summary>Field path (<c>steps[1].config.url</c>) → what is wrong there.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>The checked definition, or null while there are errors.</summary>
    public WorkflowDefinition? Definition { get; private set; }

    public JsonArray Steps => Root["steps"] as JsonArray ?? (JsonArray)(Root["steps"] = new JsonArray());

    public JsonObject Trigger => Root["trigger"] as JsonObject ?? (JsonObject)(Root["trigger"] = new JsonObject { ["type"] = TriggerTypes.Manual });

    public static JsonObject NewDefinition() => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = "",
        ["tags"] = new JsonArray(),
        ["enabled"] = true,
        ["trigger"] = new JsonObject { ["type"] = TriggerTypes.Manual },
        ["steps"] = new JsonArray(),
    };

    /// <summary>
    /// Takes a stored workflow (the API shape) or a definition; the server's own fields are dropped. It is what is saved
    /// now, and nothing in it counts as touched.
    /// </summary>
    public void Load(JsonObject workflow)
    {
        Root = WithoutServerFields(workflow);
        _saved = (JsonObject)Root.DeepClone();
        _before = (JsonObject)Root.DeepClone();
        _touched.Clear();
        Touch();
    }

    /// <summary>The draft as it is now was just saved.</summary>
    public void MarkSaved() => _saved = (JsonObject)Root.DeepClone();

    /// <summary>Marks <paramref name="sent"/> (a copy of the draft taken when the save began) as what is stored.</summary>
    public void MarkSaved(JsonObject sent) => _saved = sent;

    /// <summary>After a Save attempt every error shows, touched or not.</summary>
    public void ShowAllErrors()
    {
        _touched.ShowAll();
        Changed?.Invoke();
    }

    /// <summary>True when the error at a path is shown: its field was touched, or a Save was tried.</summary>
    public bool Shows(string path) => _touched.Shows(path, Root);

    /// <summary>Raised after every change, so the page checks and shows it again.</summary>
    public event Action? Changed;

    /// <summary>Checks the draft after an edit and tells the page.</summary>
    public void Touch()
    {
        _touched.Record(_before, Root);
        _before = (JsonObject)Root.DeepClone();
        Validate();
        Changed?.Invoke();
    }

    public void Validate()
    {
        try
        {
            Definition = reader.Read(Root.ToJsonString());
            Errors = new Dictionary<string, string[]>();
        }
        catch (WorkflowValidationException e)
        {
            Definition = null;
            Errors = e.Errors;
        }
    }

    /// <summary>The messages for one field, or null when it is fine or not touched yet (see <see cref="Shows"/>).</summary>
    public string? ErrorAt(string path) => Errors.TryGetValue(path, out var messages) && Shows(path) ? string.Join(" ", messages) : null;

    public string ToJson() => Root.ToJsonString(Indented);

    /// <summary>Replaces the draft with edited JSON. Returns what is wrong with the text, leaving the draft as it was; or null.</summary>
    public string? TryLoadJson(string text)
    {
        JsonNode? node;
        try
        {
            node = IncomingJson.Parse(text);
        }
        catch (JsonException e)
        {
            return $"Line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {e.Message.Split(" LineNumber:")[0]}";
        }
        if (node is not JsonObject root)
        {
            return "A workflow definition is a JSON object: { \"name\": …, \"trigger\": …, \"steps\": […] }.";
        }
        // Edited text is an edit like any other: what it changed counts as touched, and it is not saved yet.
        Root = WithoutServerFields(root);
        Touch();
        return null;
    }

    public JsonObject Step(int index) => Steps[index]!.AsObject();

    public JsonObject Config(int index) => Step(index)["config"] as JsonObject ?? (JsonObject)(Step(index)["config"] = new JsonObject());

    public IEnumerable<string> StepIds => Steps.OfType<JsonObject>().Select(s => Text(s, "id") ?? "");

    public void AddStep(string type)
    {
        var descriptor = registry.Find(type) ?? throw new ArgumentException($"Unknown step type '{type}'.", nameof(type));
        Steps.Add(new JsonObject
        {
            ["id"] = FreeId(descriptor.Name.Replace('.', '_')),
            ["type"] = descriptor.Name,
            ["name"] = descriptor.Label,
            ["config"] = new JsonObject(),
        });
        Touch();
    }

    public void DuplicateStep(int index)
    {
        var copy = Step(index).DeepClone().AsObject();
        copy["id"] = FreeId(Text(copy, "id") ?? "step");
        Steps.Insert(index + 1, copy);
        Touch();
    }

    public void MoveStep(int index, int offset)
    {
        var target = index + offset;
        if (target < 0 || target >= Steps.Count)
        {
            return;
        }
        var step = Steps[index];
        Steps.RemoveAt(index);
        Steps.Insert(target, step);
        Touch();
    }

    /// <summary>
    /// Moves a step to just below another, for a template that names a step running after it. A step with its own
    /// <c>dependsOn</c> also waits for that step, since its place alone does not order it.
    /// </summary>
    public void MoveStepBelow(int index, string stepId)
    {
        if (!StepIds.Contains(stepId, StringComparer.Ordinal))
        {
            return;
        }
        var step = Step(index);
        Steps.RemoveAt(index);
        var target = StepIds.ToList().IndexOf(stepId);
        Steps.Insert(target + 1, step);
        if (step[StepField.DependsOn] is JsonArray dependsOn && !dependsOn.Any(d => d?.ToString() == stepId))
        {
            dependsOn.Add(stepId);
        }
        Touch();
    }

    public void DeleteStep(int index)
    {
        Steps.RemoveAt(index);
        Touch();
    }

    /// <summary>
    /// The template paths a step may use: the trigger (and the sample input's fields), the steps upstream of it
    /// (and what their last test run returned), secrets by name, vars (the workflow's own and the desk's global ones, with
    /// the fields of an object value), and the run's own facts.
    /// </summary>
    public IReadOnlyList<string> TemplatePaths(int stepIndex, TemplateHints hints)
    {
        var paths = new List<string> { "trigger.body", "trigger.headers", "trigger.query" };
        paths.AddRange(FieldsOf(hints.SampleBody, "trigger.body"));
        foreach (var id in UpstreamOf(stepIndex))
        {
            paths.Add($"steps.{id}.output");
            paths.AddRange(FieldsOf(hints.Outputs.GetValueOrDefault(id), $"steps.{id}.output"));
        }
        paths.AddRange(hints.Secrets.Select(name => $"secrets.{name}"));
        var vars = new Dictionary<string, JsonNode?>(hints.GlobalVars, StringComparer.Ordinal);
        foreach (var (name, value) in Root["settings"]?["vars"] as JsonObject ?? [])
        {
            vars[name] = value;
        }
        foreach (var (name, value) in vars.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            paths.Add($"vars.{name}");
            paths.AddRange(FieldsOf(value, $"vars.{name}"));
        }
        paths.AddRange(["workflow.id", "workflow.name", "workflow.version", "execution.id", "execution.startedAt", "now", "today"]);
        return paths;
    }

    /// <summary>
    /// The template paths one config field of a step may use: a step that resolves that field once per item
    /// (<see cref="StepDescriptor.PerItemField"/>, foreach's <c>input</c>) also offers <c>item</c> and <c>index</c>, first.
    /// </summary>
    public IReadOnlyList<string> TemplatePaths(int stepIndex, TemplateHints hints, string field)
    {
        var paths = TemplatePaths(stepIndex, hints);
        var type = Text(Step(stepIndex), "type");
        return type is not null && registry.Find(type)?.PerItemField == field ? [.. WorkflowDefinitionReader.ItemTemplateRoots, .. paths] : paths;
    }

    /// <summary>Every step the given one waits for, directly or not; empty while the graph has a cycle.</summary>
    public IReadOnlyCollection<string> UpstreamOf(int stepIndex)
    {
        var steps = Steps.OfType<JsonObject>()
            .Select(s => new StepDefinition { Id = Text(s, "id") ?? "", DependsOn = (s["dependsOn"] as JsonArray)?.Select(d => d?.ToString() ?? "").ToList() })
            .ToList();
        if (stepIndex >= steps.Count)
        {
            return [];
        }
        var dependencies = WorkflowGraph.Dependencies(steps);
        return WorkflowGraph.FindCycle(steps, dependencies) is null
            ? WorkflowGraph.Upstream(steps, dependencies).GetValueOrDefault(steps[stepIndex].Id) ?? new HashSet<string>()
            : [];
    }

    public static string? Text(JsonObject owner, string name) =>
        owner[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : owner[name]?.ToJsonString();

    /// <summary>Sets a text property; empty text removes it, so "Required" shows where it belongs.</summary>
    public static void SetText(JsonObject owner, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            owner.Remove(name);
        }
        else
        {
            owner[name] = value;
        }
    }

    /// <summary>A value typed into a field: a number, true/false or null keeps its JSON type, anything else is text.</summary>
    public static JsonNode? Literal(string text)
    {
        if (text is "true" or "false" or "null" || double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            try
            {
                return IncomingJson.Parse(text);
            }
            catch (JsonException)
            {
                return JsonValue.Create(text);
            }
        }
        return JsonValue.Create(text);
    }

    private static JsonObject WithoutServerFields(JsonObject workflow)
    {
        var root = workflow.DeepClone().AsObject();
        foreach (var field in ServerFields)
        {
            root.Remove(field);
        }
        return root;
    }

    private string FreeId(string wanted)
    {
        var ids = StepIds.ToHashSet(StringComparer.Ordinal);
        var stem = wanted.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9').TrimEnd('_');
        if (!ids.Contains(wanted))
        {
            return wanted;
        }
        for (var n = 2; ; n++)
        {
            if (!ids.Contains($"{stem}_{n}"))
            {
                return $"{stem}_{n}";
            }
        }
    }

    private static IEnumerable<string> FieldsOf(JsonNode? value, string prefix) =>
        value is JsonObject obj ? obj.Select(p => $"{prefix}.{p.Key}") : [];
}

/// <summary>What the editor knows beyond the definition: the sample trigger body, outputs of the last test run, secret names.</summary>
public sealed record TemplateHints(JsonNode? SampleBody, IReadOnlyDictionary<string, JsonNode?> Outputs, IReadOnlyList<string> Secrets)
{
    public static TemplateHints None { get; } = new(null, new Dictionary<string, JsonNode?>(), []);

    /// <summary>The desk's global variables (settings <c>vars.*</c>) by name, offered as <c>vars.name</c>.</summary>
    public IReadOnlyDictionary<string, JsonNode?> GlobalVars { get; init; } = new Dictionary<string, JsonNode?>();
}
