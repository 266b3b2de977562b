using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SchedulesJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Patience = new() { Timeout = 15_000 };

    [Fact]
    public async Task Pausing_a_schedule_on_the_schedules_page_pauses_it_for_the_api_too()
    {
        using var api = desk.ApiClient();
        var workflowId = await CreateScheduleAsync(api);
        var page = await desk.SignedInPageAsync();

        await page.GotoAsync("/schedules");
        await BrowserDesk.WaitForCircuitAsync(page);
        var row = page.Locator($"[data-testid=schedule-row][data-workflow='{workflowId}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-paused", "false", Patience);
        await Assertions.Expect(row.GetByTestId("schedule-words")).ToHaveTextAsync("At 09:00 on Monday–Friday (Europe/Berlin)");
        await row.GetByTestId("pause").ClickAsync();

        await Assertions.Expect(row).ToHaveAttributeAsync("data-paused", "true", Patience);
        await Assertions.Expect(row.GetByTestId("paused-chip")).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("resume")).ToBeVisibleAsync();
        var schedules = await api.GetFromJsonAsync<JsonObject>("api/v1/schedules?q=Morning%20digest");
        var listed = schedules!["items"]!.AsArray().Single(s => (string)s!["workflowId"]! == workflowId)!;
        Assert.True((bool)listed["paused"]!);
        Assert.Empty(listed["nextRuns"]!.AsArray());
    }

    private static async Task<string> CreateScheduleAsync(HttpClient api)
    {
        var definition = JsonNode.Parse("""
            {
              "schemaVersion": 1,
              "name": "Morning digest",
              "trigger": { "type": "schedule", "schedule": { "cron": "0 9 * * 1-5", "timezone": "Europe/Berlin" } },
              "steps": [ { "id": "shape", "type": "transform", "config": { "value": "digest" } } ]
            }
            """);
        var created = await api.PostAsJsonAsync("api/v1/workflows", definition);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }
}
