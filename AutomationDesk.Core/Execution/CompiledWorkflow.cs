using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Execution;

/// <summary>A stored version of a definition, read once and kept: versions never change.</summary>
public sealed class CompiledWorkflow
{
    private CompiledWorkflow(WorkflowDefinition definition)
    {
        Definition = definition;
        Dependencies = WorkflowGraph.Dependencies(definition.Steps);
        Positions = definition.Steps.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var expressions = definition.Steps
            .SelectMany(s => TemplateResolver.FindExpressions(LiteralTextAttribute.TemplatedPart(s.Type, s.Config)).Concat(TemplateResolver.FindExpressions(s.When)))
            .Concat(TemplateResolver.FindExpressions(definition.Settings?.Output))
            .ToList();
        SecretNames = expressions.Where(e => e.Path.Root == "secrets" && e.Path.Segments.Count > 1 && e.Path.Segments[1].Name is not null)
            .Select(e => e.Path.Segments[1].Name!).ToHashSet(StringComparer.Ordinal);
        ConnectionNames = Connections.ConnectionNames.In(definition);
    }

    public WorkflowDefinition Definition { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies { get; }
    public IReadOnlyDictionary<string, int> Positions { get; }
    public IReadOnlySet<string> SecretNames { get; }

    /// <summary>The connections the definition names (see <see cref="Connections.ConnectionNames"/>).</summary>
    public IReadOnlySet<string> ConnectionNames { get; }

    public static CompiledWorkflow Compile(string definitionJson) =>
        new(JsonSerializer.Deserialize<WorkflowDefinition>(definitionJson, DeskJson.Lenient)
            ?? throw new InvalidOperationException("A stored workflow definition is empty."));

    /// <summary>The workflow's <c>settings.vars</c> laid over the desk's global variables: a name in both reads the workflow's.</summary>
    public JsonObject VarsOver(IReadOnlyDictionary<string, JsonNode?>? globalVars)
    {
        var vars = new JsonObject();
        foreach (var (name, value) in globalVars ?? new Dictionary<string, JsonNode?>())
        {
            vars[name] = value?.DeepClone();
        }
        foreach (var (name, value) in Definition.Settings?.Vars ?? [])
        {
            vars[name] = value?.DeepClone();
        }
        return vars;
    }
}

/// <summary>Compiled definitions by workflow id and version.</summary>
public sealed class CompiledWorkflowCache
{
    private readonly ConcurrentDictionary<(Guid, int), CompiledWorkflow> _compiled = new();

    public CompiledWorkflow GetOrCompile(Guid workflowId, int version, string definitionJson) =>
        _compiled.GetOrAdd((workflowId, version), _ => CompiledWorkflow.Compile(definitionJson));

    public bool TryGet(Guid workflowId, int version, [NotNullWhen(true)] out CompiledWorkflow? compiled) => _compiled.TryGetValue((workflowId, version), out compiled);
}
