using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>Build from real data: a test run pins the outputs, one step runs again alone, a field is picked from its output.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PinnedDataJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToContainTextOptions LiveText = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_test_run_pins_outputs_one_step_runs_alone_and_a_field_picked_from_its_output_previews_its_value()
    {
        using var api = desk.ApiClient();
        var created = await api.PostAsJsonAsync("/api/v1/workflows", JsonNode.Parse("""
            { "name": "Pinned sales", "trigger": { "type": "manual" },
              "steps": [
                { "id": "fetch", "type": "transform", "config": { "value": { "body": { "sales": { "total": "${trigger.body.total}" } } } } },
                { "id": "tell", "type": "notification.send", "dependsOn": ["fetch"], "config": { "title": "Sales ", "message": "m" } } ] }
            """));
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var page = await desk.SignedInPageAsync();
        await page.GotoAsync($"/workflows/{id}");
        await BrowserDesk.WaitForCircuitAsync(page);

        await page.Locator("[data-testid=test-sample] textarea").FillAsync("{\"total\": 1234}");
        await page.GetByTestId("test-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-result")).ToHaveAttributeAsync("data-status", "Succeeded", Live);
        await Assertions.Expect(page.Locator("[data-testid=pinned-step][data-step-id=fetch]")).ToContainTextAsync("1234", LiveText);

        var fetch = page.Locator("[data-testid=execute-step][data-step-id=fetch]");
        await fetch.GetByTestId("execute-step-button").ClickAsync();
        await Assertions.Expect(fetch.GetByTestId("execute-step-output")).ToContainTextAsync("1234", LiveText);

        var title = page.Locator("div[data-field='steps[1].config.title'] input");
        await title.ClickAsync();
        await fetch.Locator("[data-testid=execute-step-output] button[data-path='steps.fetch.output.body.sales.total']").ClickAsync();
        await Assertions.Expect(title).ToHaveValueAsync("Sales ${steps.fetch.output.body.sales.total}");
        await Assertions.Expect(page.Locator("div[data-field='steps[1].config.title'] [data-testid=template-preview]")).ToContainTextAsync("Sales 1234");
    }
}
