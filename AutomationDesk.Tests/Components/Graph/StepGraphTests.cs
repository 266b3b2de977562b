using System.Text.Json.Nodes;
using AutomationDesk.Web.Components.Shared;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace AutomationDesk.Tests.Components.Graph;

public sealed class StepGraphTests : BunitContext
{
    private static readonly JsonNode Branching = JsonNode.Parse("""
        [ { "id": "big", "type": "condition", "name": "Big order?", "config": { "left": 1, "operator": "gt", "right": 0 } },
          { "id": "thank", "type": "transform", "dependsOn": ["big"], "when": "${steps.big.output.result}" },
          { "id": "skip", "type": "transform", "dependsOn": ["big"], "when": { "left": "${steps.big.output.result}", "operator": "eq", "right": false } },
          { "id": "each", "type": "foreach", "dependsOn": ["thank", "skip"] } ]
        """)!;

    public StepGraphTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Every_step_is_a_node_and_every_wait_an_arrow_with_branches_labelled()
    {
        var cut = Render<StepGraph>(p => p.Add(c => c.Steps, Branching));

        Assert.Equal(["big", "thank", "skip", "each"], cut.FindAll("[data-testid=graph-node]").Select(n => n.GetAttribute("data-step-id")));
        Assert.Contains("Big order?", cut.Find("[data-testid=graph-node][data-step-id=big]").TextContent);
        Assert.Equal(4, cut.FindAll("[data-testid=graph-edge]").Count);
        Assert.Equal("true", cut.Find("[data-testid=graph-edge-label][data-to=thank]").TextContent.Trim());
        Assert.Equal("false", cut.Find("[data-testid=graph-edge-label][data-to=skip]").TextContent.Trim());
        Assert.Equal("for each", cut.Find("[data-testid=graph-node][data-step-id=each] [data-testid=graph-node-badge]").TextContent);
        var layers = cut.FindAll("[data-testid=graph-node]").Select(n => n.GetAttribute("data-layer")).ToList();
        Assert.Equal(["0", "1", "1", "2"], layers);
    }

    [Fact]
    public void On_a_run_nodes_take_the_status_colours_and_a_step_without_a_state_did_not_run()
    {
        var looks = new Dictionary<string, StepLook>
        {
            ["big"] = new("Succeeded", Color.Success),
            ["thank"] = new("Failed", Color.Error),
            ["skip"] = new("Skipped", Color.Default),
        };

        var cut = Render<StepGraph>(p => p.Add(c => c.Steps, Branching).Add(c => c.Looks, looks));

        Assert.Equal(RunStatusColors.CssOf(Color.Error), cut.Find("[data-testid=graph-node][data-step-id=thank]").GetAttribute("data-colour"));
        Assert.Equal(RunStatusColors.CssOf(Color.Success), cut.Find("[data-testid=graph-node][data-step-id=big]").GetAttribute("data-colour"));
        Assert.Equal("Failed", cut.Find("[data-testid=graph-node][data-step-id=thank] [data-testid=graph-node-status]").TextContent);
        Assert.Equal("Not run", cut.Find("[data-testid=graph-node][data-step-id=each]").GetAttribute("data-status"));
    }

    [Fact]
    public void Clicking_a_node_or_pressing_enter_on_it_names_its_step()
    {
        var clicked = new List<string>();
        var cut = Render<StepGraph>(p => p.Add(c => c.Steps, Branching).Add(c => c.OnStepClick, (string id) => clicked.Add(id)));

        cut.Find("[data-testid=graph-node][data-step-id=skip]").Click();
        cut.Find("[data-testid=graph-node][data-step-id=each]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal(["skip", "each"], clicked);
    }

    [Fact]
    public void A_draft_with_a_cycle_is_still_drawn_with_the_closing_arrow_marked()
    {
        var cycle = JsonNode.Parse("""[ { "id": "a", "type": "transform", "dependsOn": ["b"] }, { "id": "b", "type": "transform", "dependsOn": ["a"] } ]""");

        var cut = Render<StepGraph>(p => p.Add(c => c.Steps, cycle));

        Assert.Equal(2, cut.FindAll("[data-testid=graph-node]").Count);
        Assert.Single(cut.FindAll("[data-testid=graph-edge][data-cycle=true]"));
    }

    [Fact]
    public void No_steps_says_so_instead_of_an_empty_picture()
    {
        var cut = Render<StepGraph>(p => p.Add(c => c.Steps, new JsonArray()));

        Assert.NotNull(cut.Find("[data-testid=step-graph-empty]"));
        Assert.Empty(cut.FindAll("svg"));
    }
}
