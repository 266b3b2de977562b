using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>Running with input from the list and again from the run page; the top bar and lists on a 390-px phone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RunWithInputJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 15_000 };

    private static string Greeter(string name) => $$"""
        { "schemaVersion": 1, "name": "{{name}}", "trigger": { "type": "manual" },
          "steps": [ { "id": "greet", "type": "transform", "config": { "value": "Hello ${trigger.body.name}" } } ] }
        """;

    [Fact]
    public async Task Run_with_input_lands_on_the_run_which_reads_the_body_and_run_again_starts_from_it()
    {
        using var api = desk.ApiClient();
        await SaveAsync(api, Greeter("Greet with input"));
        var page = await desk.SignedInPageAsync();
        await page.GotoAsync("/workflows");
        await BrowserDesk.WaitForCircuitAsync(page);

        await page.GetByTestId("workflow-row").Filter(new() { HasText = "Greet with input" }).GetByTestId("run-workflow").ClickAsync();
        var body = page.Locator("[data-testid=run-input] textarea");
        await body.FillAsync("{ \"name\": ");
        await Assertions.Expect(page.GetByTestId("run-input-error")).ToContainTextAsync("Not valid JSON");
        await Assertions.Expect(page.GetByTestId("run-start")).ToBeDisabledAsync();
        await body.FillAsync("""{ "name": "Ada" }""");
        await page.GetByTestId("run-start").ClickAsync();

        await BrowserDesk.WaitForAddressAsync(page, url => url.Contains("/executions/", StringComparison.Ordinal));
        var firstRun = page.Url;
        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", Live);
        await Assertions.Expect(page.GetByTestId("run-output")).ToContainTextAsync("Hello Ada");
        var toast = page.Locator(".mud-snackbar").Filter(new() { HasText = "started" });
        await Assertions.Expect(toast.GetByRole(AriaRole.Button, new() { Name = "Open" })).ToBeVisibleAsync();
        var box = (await toast.BoundingBoxAsync())!;
        Assert.True(box.Y > page.ViewportSize!.Height / 2, $"The toast is at y={box.Y}, not at the bottom of the {page.ViewportSize.Height}-px page.");

        await page.GetByTestId("run-again").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-input] textarea")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"Ada\""));
        await page.GetByTestId("run-start").ClickAsync();
        await BrowserDesk.WaitForAddressAsync(page, url => url.Contains("/executions/", StringComparison.Ordinal) && url != firstRun);
        await Assertions.Expect(page.GetByTestId("run-output")).ToContainTextAsync("Hello Ada", new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task On_a_390_px_phone_nothing_runs_off_the_side_and_the_nav_and_bell_are_reachable()
    {
        using var api = desk.ApiClient();
        var workflowId = await SaveAsync(api, Greeter("A workflow with a rather long name for a phone screen"));
        using (var started = await api.PostAsJsonAsync(new Uri($"/api/v1/workflows/{workflowId}/execute?wait=true", UriKind.Relative), new { name = "Ada" }))
        {
            started.EnsureSuccessStatusCode();
        }
        var page = await desk.SignedInPageAsync();
        await page.SetViewportSizeAsync(390, 844);

        foreach (var (path, ready) in new[] { ("/", "[data-testid=stat-total]"), ("/workflows", "[data-testid=workflow-table]"), ("/executions", "[data-testid=execution-link]") })
        {
            await page.GotoAsync(path);
            await BrowserDesk.WaitForCircuitAsync(page);
            await page.Locator(ready).First.WaitForAsync();
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"{path} is {width} px wide on a 390-px screen.");
            await Assertions.Expect(page.GetByTestId("notification-bell")).ToBeInViewportAsync();
            await Assertions.Expect(page.GetByTestId("account-menu")).ToBeInViewportAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Menu", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Workflows", Exact = true }).ClickAsync();
        await BrowserDesk.WaitForAddressAsync(page, url => url.EndsWith("/workflows", StringComparison.Ordinal));
        await page.GetByTestId("bell-button").ClickAsync();
        await Assertions.Expect(page.GetByText("All notifications", new() { Exact = true })).ToBeInViewportAsync();
    }

    private static async Task<Guid> SaveAsync(HttpClient api, string json)
    {
        using var response = await api.PostAsync(new Uri("/api/v1/workflows", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }
}
