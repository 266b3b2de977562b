using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class InboxJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private static readonly LocatorAssertionsToHaveCountOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task An_admin_adds_an_n8n_source_and_routes_its_orders_to_a_workflow()
    {
        using var api = desk.ApiClient();
        await CreateWorkflowAsync(api, "Book n8n orders");
        var page = await desk.SignedInPageAsync();

        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();
        await page.GetByTestId("add-source").ClickAsync();
        await Field(page, "source-name").FillAsync("n8n-orders");
        await ChooseAsync(page, "source-preset", "n8n");
        await Assertions.Expect(Field(page, "source-event-path")).ToHaveValueAsync("event");
        await Field(page, "source-secret").FillAsync("${secrets.n8n_signing}");
        await page.GetByTestId("save-source").ClickAsync();

        var source = page.Locator("[data-testid=source-row][data-name=n8n-orders]");
        await Assertions.Expect(source).ToHaveCountAsync(1, Patience);
        await Assertions.Expect(source).ToContainTextAsync("/api/webhooks/inbox/n8n-orders");
        await Assertions.Expect(source).ToContainTextAsync("body event");

        await page.GetByTestId("add-rule").ClickAsync();
        await Field(page, "rule-event-type").FillAsync("order.created");
        await ChooseAsync(page, "rule-workflow", "Book n8n orders");
        await page.GetByTestId("rule-condition").FillAsync("${trigger.body.data.paid}");
        await page.GetByTestId("save-rule").ClickAsync();

        var rule = page.GetByTestId("rule-row");
        await Assertions.Expect(rule).ToHaveCountAsync(1, Patience);
        await Assertions.Expect(rule).ToContainTextAsync("Book n8n orders");
        var listed = await api.GetFromJsonAsync<JsonObject>("api/v1/inbox/rules?source=n8n-orders");
        Assert.Equal("order.created", (string?)listed!["items"]![0]!["eventType"]);
        var stored = await api.GetFromJsonAsync<JsonObject>("api/v1/inbox/sources/n8n-orders");
        Assert.Equal("${secrets.n8n_signing}", (string?)stored!["secretReference"]);
    }

    /// <summary>The input of a MudBlazor text field marked with the test id (MudBlazor puts the mark on the input itself).</summary>
    private static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    /// <summary>Opens a MudSelect marked with the test id and picks the option with that text.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(option, new() { Exact = true }).ClickAsync();
    }

    private static async Task CreateWorkflowAsync(HttpClient api, string name)
    {
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = name,
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray(new JsonObject { ["id"] = "book", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "${trigger.body}" } }),
        };
        using var created = await api.PostAsJsonAsync("api/v1/workflows", definition);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }
}
