using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>One step as the graph reads it from a definition (or a draft that may be half-written).</summary>
public sealed record GraphStep(string Id, string Type, string? Name, IReadOnlyList<string>? DependsOn, JsonNode? When)
{
    /// <summary>
    /// The steps of a definition's <c>steps</c> array. Anything odd in a draft (a step that is not an object, a
    /// <c>dependsOn</c> that is not a list) is read as well as it can be, never thrown.
    /// </summary>
    public static IReadOnlyList<GraphStep> From(JsonNode? steps) =>
        (steps as JsonArray ?? []).Select(node => node as JsonObject ?? []).Select(step => new GraphStep(
            TextOf(step["id"]) ?? "",
            TextOf(step["type"]) ?? "",
            TextOf(step["name"]),
            step["dependsOn"] is JsonArray list ? list.Select(d => TextOf(d) ?? "").ToList() : null,
            step["when"])).ToList();

    private static string? TextOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

/// <summary>A step placed in the graph: its layer (longest path from a root) and its box.</summary>
public sealed record GraphNode(int Index, GraphStep Step, int Layer, double X, double Y, IReadOnlyList<string> UnknownDependsOn);

/// <summary>
/// An arrow from the step that must finish first to the step that waits for it. <see cref="Implicit"/>: the step has
/// no <c>dependsOn</c>, so it waits for the step before it. <see cref="Label"/>: the branch a <c>when</c> takes
/// ("true", "false" or the condition). <see cref="InCycle"/>: the arrow closes a cycle (the draft is invalid).
/// </summary>
public sealed record GraphEdge(int From, int To, bool Implicit, string? Label, bool InCycle);

/// <summary>The whole drawing: nodes, edges and the size of the picture.</summary>
public sealed record GraphLayout(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, double Width, double Height)
{
    public GraphNode? NodeOf(string stepId) => Nodes.FirstOrDefault(n => n.Step.Id == stepId);
}

/// <summary>
/// Lays a workflow's steps out in layers, as the engine runs them: a step waits for its <c>dependsOn</c>, or for the step
/// before it when it has none (<see cref="Core.Workflows.WorkflowGraph.Dependencies"/>). A step's layer is the longest
/// path from a root, so the steps of one layer may run side by side. A draft being edited may hold a cycle, an unknown
/// or repeated id: the layout draws what it can and never throws.
/// </summary>
public static partial class StepGraphLayout
{
    public const double NodeWidth = 190;
    public const double NodeHeight = 54;
    public const double GapX = 28;
    public const double GapY = 54;
    public const double Margin = 12;

    private const int MaxLabelLength = 28;

    public static GraphLayout Lay(IReadOnlyList<GraphStep> steps)
    {
        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            firstIndexOf.TryAdd(steps[i].Id, i);
        }

        var upstream = new List<(int From, bool Implicit)>[steps.Count];
        var unknown = new List<string>[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            upstream[i] = [];
            unknown[i] = [];
            var implicitOrder = steps[i].DependsOn is null;
            var dependsOn = steps[i].DependsOn ?? (i == 0 ? [] : [steps[i - 1].Id]);
            foreach (var id in dependsOn.Distinct(StringComparer.Ordinal))
            {
                if (firstIndexOf.TryGetValue(id, out var from))
                {
                    upstream[i].Add((from, implicitOrder));
                }
                else
                {
                    unknown[i].Add(id);
                }
            }
        }

        var (layers, cycleEdges) = Layers(upstream);
        var positions = Positions(layers, upstream);
        var width = Margin * 2 + Math.Max(1, positions.Values.GroupBy(p => p.Layer).Select(g => g.Count()).DefaultIfEmpty(0).Max()) * (NodeWidth + GapX) - GapX;
        var layerCount = layers.DefaultIfEmpty(-1).Max() + 1;
        var height = Margin * 2 + Math.Max(1, layerCount) * (NodeHeight + GapY) - GapY;

        var nodes = new List<GraphNode>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var (layer, slot, ofSlots) = positions[i];
            var rowWidth = ofSlots * (NodeWidth + GapX) - GapX;
            var x = (width - rowWidth) / 2 + slot * (NodeWidth + GapX);
            var y = Margin + layer * (NodeHeight + GapY);
            nodes.Add(new GraphNode(i, steps[i], layer, x, y, unknown[i]));
        }

        var edges = new List<GraphEdge>();
        for (var i = 0; i < steps.Count; i++)
        {
            var (label, source) = BranchOf(steps[i], steps);
            var sourceIsUpstream = source is not null && upstream[i].Any(u => steps[u.From].Id == source);
            foreach (var (from, isImplicit) in upstream[i])
            {
                var labelled = label is not null && (!sourceIsUpstream || steps[from].Id == source);
                edges.Add(new GraphEdge(from, i, isImplicit, labelled ? label : null, cycleEdges.Contains((from, i))));
            }
        }
        return new GraphLayout(nodes, edges, width, height);
    }

    /// <summary>
    /// Each step's layer: 0 for a root, else one more than its deepest upstream step. An arrow that leads back to a
    /// step still being placed closes a cycle; it is left out of the layering and returned to be drawn as such.
    /// </summary>
    private static (int[] Layers, HashSet<(int, int)> CycleEdges) Layers(List<(int From, bool Implicit)>[] upstream)
    {
        var layers = new int[upstream.Length];
        var state = new int[upstream.Length]; // 0 = not yet, 1 = being placed, 2 = placed
        var cycleEdges = new HashSet<(int, int)>();

        int Place(int i)
        {
            if (state[i] == 2)
            {
                return layers[i];
            }
            state[i] = 1;
            var layer = 0;
            foreach (var (from, _) in upstream[i])
            {
                if (state[from] == 1)
                {
                    cycleEdges.Add((from, i));
                    continue;
                }
                layer = Math.Max(layer, Place(from) + 1);
            }
            state[i] = 2;
            layers[i] = layer;
            return layer;
        }

        for (var i = 0; i < upstream.Length; i++)
        {
            Place(i);
        }
        return (layers, cycleEdges);
    }

    /// <summary>
    /// Each step's slot in its layer: steps sit under the middle of the steps they wait for (fewer crossings), then in
    /// the definition's order.
    /// </summary>
    private static Dictionary<int, (int Layer, int Slot, int OfSlots)> Positions(int[] layers, List<(int From, bool Implicit)>[] upstream)
    {
        var result = new Dictionary<int, (int Layer, int Slot, int OfSlots)>();
        foreach (var layer in Enumerable.Range(0, layers.DefaultIfEmpty(-1).Max() + 1))
        {
            var members = Enumerable.Range(0, layers.Length).Where(i => layers[i] == layer)
                .Select(i => (Index: i, Centre: upstream[i].Where(u => result.ContainsKey(u.From))
                    .Select(u => Centre(result[u.From])).DefaultIfEmpty(double.NaN).Average()))
                .ToList();
            var ordered = members.OrderBy(m => double.IsNaN(m.Centre) ? double.MaxValue : m.Centre).ThenBy(m => m.Index).ToList();
            for (var slot = 0; slot < ordered.Count; slot++)
            {
                result[ordered[slot].Index] = (layer, slot, ordered.Count);
            }
        }
        return result;

        static double Centre((int Layer, int Slot, int OfSlots) place) => place.Slot - (place.OfSlots - 1) / 2.0;
    }

    /// <summary>
    /// What a step's <c>when</c> says, as an arrow's label, and the step it reads when that is a condition step's
    /// result: <c>${steps.big.output.result}</c> is "true"; <c>{ left: that, operator: eq, right: false }</c> is "false";
    /// any other condition is shown as written, shortened.
    /// </summary>
    public static (string? Label, string? Source) BranchOf(GraphStep step, IReadOnlyList<GraphStep> steps)
    {
        switch (step.When)
        {
            case null:
                return (null, null);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return ConditionResult(text, steps) is { } conditionId ? ("true", conditionId) : (Shorten(text), StepNamed(text));
            case JsonObject { Count: <= 3 } test when test["left"] is JsonValue left && left.GetValueKind() == JsonValueKind.String
                && ConditionResult(left.GetValue<string>(), steps) is { } source
                && test["operator"]?.ToString() is "eq" or "ne" && test["right"] is JsonValue right && right.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                var isTrue = right.GetValueKind() == JsonValueKind.True ^ test["operator"]!.ToString() == "ne";
                return (isTrue ? "true" : "false", source);
            case JsonObject test when test["left"] is { } left:
                var described = $"{Plain(left)} {test["operator"]} {(test["right"] is { } r ? Plain(r) : "")}".Trim();
                return (Shorten(described), StepNamed(Plain(left)));
            default:
                return (Shorten(step.When.ToJsonString(Core.Workflows.DeskJson.Options)), null);
        }
    }

    /// <summary>The condition step whose result the template reads, or null.</summary>
    private static string? ConditionResult(string template, IReadOnlyList<GraphStep> steps)
    {
        var match = ResultTemplate().Match(template);
        return match.Success && steps.Any(s => s.Id == match.Groups["id"].Value && s.Type == ConditionStep.TypeName) ? match.Groups["id"].Value : null;
    }

    private static string? StepNamed(string template) => StepTemplate().Match(template) is { Success: true } match ? match.Groups["id"].Value : null;

    private static string Plain(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node.ToJsonString(Core.Workflows.DeskJson.Options);

    private static string Shorten(string text) => text.Length <= MaxLabelLength ? text : string.Concat(text.AsSpan(0, MaxLabelLength - 1), "…");

    [GeneratedRegex(@"^\s*\$\{\s*steps\.(?<id>[a-z][a-z0-9_]*)\.output\.result\s*\}\s*$")]
    private static partial Regex ResultTemplate();

    [GeneratedRegex(@"\$\{\s*steps\.(?<id>[a-z][a-z0-9_]*)\.")]
    private static partial Regex StepTemplate();
}
