using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class NotificationsJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Patience = new() { Timeout = 15_000 };

    [Fact]
    public async Task A_notification_raised_by_a_run_rings_the_bell_without_a_reload_and_mark_all_read_clears_it()
    {
        var page = await desk.SignedInPageAsync();
        var bell = page.GetByTestId("notification-bell");
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-unread", "0", Patience);
        using var api = desk.ApiClient();

        var workflow = await CreateWorkflowAsync(api);
        var started = await api.PostAsJsonAsync($"api/v1/workflows/{workflow}/execute", new JsonObject());
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());

        await Assertions.Expect(bell).ToHaveAttributeAsync("data-unread", "1", Patience);
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Deploy finished");

        await page.GetByTestId("bell-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("bell-item").First).ToContainTextAsync("Deploy finished");
        await page.GetByTestId("bell-mark-all-read").ClickAsync();

        await Assertions.Expect(bell).ToHaveAttributeAsync("data-unread", "0", Patience);
    }

    private static async Task<string> CreateWorkflowAsync(HttpClient api)
    {
        var definition = JsonNode.Parse("""
            {
              "schemaVersion": 1,
              "name": "Ring the bell",
              "trigger": { "type": "manual" },
              "steps": [
                { "id": "ring", "type": "notification.send", "config": { "title": "Deploy finished", "message": "v2 is live", "priority": "High" } }
              ]
            }
            """);
        var created = await api.PostAsJsonAsync("api/v1/workflows", definition);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }
}
