using System.Text.Json.Nodes;
using AutomationDesk.Web.Components.Shared;

namespace AutomationDesk.Tests.Components.Graph;

public sealed class StepGraphLayoutTests
{
    private static GraphLayout Lay(string stepsJson) => StepGraphLayout.Lay(GraphStep.From(JsonNode.Parse(stepsJson)));

    private static int LayerOf(GraphLayout layout, string id) => layout.NodeOf(id)!.Layer;

    private static GraphEdge EdgeOf(GraphLayout layout, string from, string to) =>
        layout.Edges.Single(e => layout.Nodes[e.From].Step.Id == from && layout.Nodes[e.To].Step.Id == to);

    [Fact]
    public void Steps_without_dependsOn_wait_for_the_step_before_them_as_the_engine_runs_them()
    {
        var layout = Lay("""[ { "id": "a", "type": "transform" }, { "id": "b", "type": "transform" }, { "id": "c", "type": "transform" } ]""");

        Assert.Equal([0, 1, 2], layout.Nodes.Select(n => n.Layer));
        Assert.Equal([("a", "b"), ("b", "c")], layout.Edges.Select(e => (layout.Nodes[e.From].Step.Id, layout.Nodes[e.To].Step.Id)));
        Assert.All(layout.Edges, e => Assert.True(e.Implicit));
    }

    [Fact]
    public void A_layer_is_the_longest_path_from_a_root_and_parallel_branches_sit_side_by_side()
    {
        var layout = Lay("""
            [ { "id": "fetch", "type": "http.request" },
              { "id": "left", "type": "transform", "dependsOn": ["fetch"] },
              { "id": "right", "type": "transform", "dependsOn": ["fetch"] },
              { "id": "deep", "type": "transform", "dependsOn": ["right"] },
              { "id": "join", "type": "transform", "dependsOn": ["left", "deep"] } ]
            """);

        Assert.Equal(0, LayerOf(layout, "fetch"));
        Assert.Equal(1, LayerOf(layout, "left"));
        Assert.Equal(1, LayerOf(layout, "right"));
        Assert.Equal(3, LayerOf(layout, "join"));
        Assert.Equal(layout.NodeOf("left")!.Y, layout.NodeOf("right")!.Y);
        Assert.True(layout.NodeOf("left")!.X + StepGraphLayout.NodeWidth <= layout.NodeOf("right")!.X);
        Assert.False(EdgeOf(layout, "fetch", "left").Implicit);
    }

    [Fact]
    public void An_empty_dependsOn_makes_a_root_beside_the_first_step()
    {
        var layout = Lay("""[ { "id": "a", "type": "transform" }, { "id": "b", "type": "transform", "dependsOn": [] } ]""");

        Assert.Equal(0, LayerOf(layout, "b"));
        Assert.Empty(layout.Edges);
    }

    [Fact]
    public void Branches_of_a_condition_are_labelled_true_and_false()
    {
        var layout = Lay("""
            [ { "id": "big", "type": "condition", "config": { "left": 1, "operator": "gt", "right": 0 } },
              { "id": "thank", "type": "transform", "dependsOn": ["big"], "when": "${steps.big.output.result}" },
              { "id": "ignore", "type": "transform", "dependsOn": ["big"], "when": { "left": "${steps.big.output.result}", "operator": "eq", "right": false } },
              { "id": "other", "type": "transform", "dependsOn": ["big"], "when": { "left": "${trigger.body.amount}", "operator": "gt", "right": 50 } } ]
            """);

        Assert.Equal("true", EdgeOf(layout, "big", "thank").Label);
        Assert.Equal("false", EdgeOf(layout, "big", "ignore").Label);
        Assert.Equal("${trigger.body.amount} gt 50", EdgeOf(layout, "big", "other").Label);
        Assert.Equal(layout.NodeOf("thank")!.Layer, layout.NodeOf("ignore")!.Layer);
    }

    [Fact]
    public void A_when_on_a_condition_further_up_labels_only_the_arrow_from_that_condition()
    {
        var layout = Lay("""
            [ { "id": "check", "type": "condition", "config": { "left": 1, "operator": "gt", "right": 0 } },
              { "id": "fetch", "type": "http.request", "dependsOn": [] },
              { "id": "send", "type": "transform", "dependsOn": ["check", "fetch"], "when": { "left": "${steps.check.output.result}", "operator": "ne", "right": true } } ]
            """);

        Assert.Equal("false", EdgeOf(layout, "check", "send").Label);
        Assert.Null(EdgeOf(layout, "fetch", "send").Label);
    }

    [Fact]
    public void A_cycle_is_drawn_with_the_arrow_that_closes_it_marked_and_nothing_throws()
    {
        var layout = Lay("""
            [ { "id": "a", "type": "transform", "dependsOn": ["c"] },
              { "id": "b", "type": "transform", "dependsOn": ["a"] },
              { "id": "c", "type": "transform", "dependsOn": ["b"] },
              { "id": "d", "type": "transform", "dependsOn": ["d"] } ]
            """);

        Assert.Equal(4, layout.Nodes.Count);
        Assert.Equal(4, layout.Edges.Count);
        Assert.Equal(2, layout.Edges.Count(e => e.InCycle));
        Assert.True(EdgeOf(layout, "d", "d").InCycle);
    }

    [Fact]
    public void Unknown_dependsOn_duplicates_and_half_written_steps_are_drawn_as_well_as_they_can_be()
    {
        var layout = Lay("""
            [ { "id": "a", "type": "transform", "dependsOn": ["ghost"] },
              { "id": "a", "type": "transform" },
              42,
              { "type": "transform", "dependsOn": "a", "when": { "all": [ "${trigger.body.x}" ] } } ]
            """);

        Assert.Equal(4, layout.Nodes.Count);
        Assert.Equal(["ghost"], layout.Nodes[0].UnknownDependsOn);
        Assert.Equal(0, layout.Nodes[0].Layer);
        Assert.True(layout.Width > 0 && layout.Height > 0);
        Assert.Equal(Lay("[]").Nodes.Count, StepGraphLayout.Lay(GraphStep.From(JsonNode.Parse("{}"))).Nodes.Count);
    }
}
