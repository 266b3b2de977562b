using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Web.Components.Shared;
using Microsoft.Playwright;
using MudBlazor;

namespace AutomationDesk.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class GraphJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_editor_graph_scrolls_to_a_clicked_step_and_the_run_graph_colours_the_failed_step()
    {
        using var api = desk.ApiClient();
        var steps = new JsonArray();
        for (var i = 1; i <= 6; i++)
        {
            steps.Add(new JsonObject { ["id"] = $"step_{i}", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = i } });
        }
        steps.Add(new JsonObject { ["id"] = "broken", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "${trigger.body.missing.field}" } });
        steps.Add(new JsonObject { ["id"] = "after", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = 0 } });
        var created = await api.PostAsJsonAsync("/api/v1/workflows", new JsonObject { ["name"] = "Graph journey", ["trigger"] = new JsonObject { ["type"] = "manual" }, ["steps"] = steps });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var page = await desk.SignedInPageAsync();

        await page.GotoAsync($"/workflows/{id}");
        await BrowserDesk.WaitForCircuitAsync(page);
        var card = page.Locator("[data-testid=step-card][data-step-id=after]");
        await Assertions.Expect(card).Not.ToBeInViewportAsync();
        await page.Locator("[data-testid=graph-node][data-step-id=after]").ClickAsync();

        await Assertions.Expect(card).ToBeInViewportAsync();

        var started = await api.PostAsJsonAsync($"/api/v1/workflows/{id}/execute", new JsonObject());
        started.EnsureSuccessStatusCode();
        var executionId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["executionId"]!.GetValue<string>();
        await page.GotoAsync($"/executions/{executionId}");
        await BrowserDesk.WaitForCircuitAsync(page);
        var failed = page.Locator("[data-testid=run-graph] [data-testid=graph-node][data-step-id=broken]");

        await Assertions.Expect(failed).ToHaveAttributeAsync("data-colour", RunStatusColors.CssOf(Color.Error), Live);
        await Assertions.Expect(page.Locator("[data-testid=graph-node][data-step-id=after]")).ToHaveAttributeAsync("data-status", "Not run", Live);
    }
}
