using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>A run that waits for a person: the run page asks, the person approves or rejects, the run goes on live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private const string Refund = """
        { "schemaVersion": 1, "name": "NAME", "trigger": { "type": "manual" },
          "steps": [ { "id": "ask", "type": "approval", "config": { "message": "Refund ${trigger.body.amount} EUR to ${trigger.body.customer}?" } },
                     { "id": "pay", "type": "transform", "dependsOn": ["ask"], "config": { "value": "paid after ${steps.ask.output.comment}" } } ] }
        """;

    [Fact]
    public async Task Approving_on_the_run_page_lets_the_run_succeed_live()
    {
        var page = await PausedRunPageAsync("Refund approved");

        await page.GetByTestId("approval-comment").FillAsync("checked the invoice");
        await page.GetByTestId("approve").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("run-output")).ToContainTextAsync("paid after checked the invoice");
        await Assertions.Expect(page.GetByTestId("approval-panel")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Rejecting_on_the_run_page_fails_the_run_with_the_comment()
    {
        var page = await PausedRunPageAsync("Refund rejected");

        await page.GetByTestId("approval-comment").FillAsync("duplicate request");
        await page.GetByTestId("reject").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Failed", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("run-error")).ToContainTextAsync($"Rejected by {BrowserDesk.AdminEmail}: duplicate request");
    }

    /// <summary>Starts a run of a new approval workflow and opens its page once it shows Paused with the question.</summary>
    private async Task<IPage> PausedRunPageAsync(string name)
    {
        using var api = desk.ApiClient();
        using var saved = await api.PostAsync(new Uri("/api/v1/workflows", UriKind.Relative),
            new StringContent(Refund.Replace("NAME", name, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));
        saved.EnsureSuccessStatusCode();
        var workflowId = (await saved.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var started = await api.PostAsJsonAsync(new Uri($"/api/v1/workflows/{workflowId}/execute", UriKind.Relative),
            new JsonObject { ["amount"] = 120, ["customer"] = "c-42" });
        started.EnsureSuccessStatusCode();
        var executionId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["executionId"]!.GetValue<Guid>();

        var page = await desk.SignedInPageAsync();
        await page.GotoAsync($"/executions/{executionId}");
        await BrowserDesk.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Paused", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("approval-message")).ToHaveTextAsync("Refund 120 EUR to c-42?");
        return page;
    }
}
