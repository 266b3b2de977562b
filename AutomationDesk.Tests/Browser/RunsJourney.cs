using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>Watching runs: the executions list, one run's page and the dashboard, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RunsJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private const string Greeting = """
        { "schemaVersion": 1, "name": "Greeting", "trigger": { "type": "manual" },
          "steps": [ { "id": "greet", "type": "transform", "config": { "value": { "hello": "${trigger.body.who}" } } },
                     { "id": "shout", "type": "transform", "config": { "value": "HELLO ${steps.greet.output.hello}" } } ] }
        """;

    [Fact]
    public async Task A_run_started_through_the_api_appears_live_and_its_step_output_can_be_read()
    {
        using var api = desk.ApiClient();
        var workflowId = await SaveAsync(api, Greeting);
        var page = await desk.SignedInPageAsync();
        await page.GotoAsync("/executions");
        await BrowserDesk.WaitForCircuitAsync(page);
        await page.GetByTestId("executions-table").WaitForAsync();

        var executionId = await StartAsync(api, workflowId, new JsonObject { ["who"] = "ada" });

        var row = page.Locator($"[data-testid=execution-link][data-execution-id='{executionId}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("executions.png"), FullPage = true });
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 15_000 });
        var step = page.Locator("[data-testid=step][data-step-id=greet]");
        await step.Locator(".mud-expand-panel-header").ClickAsync();
        await Assertions.Expect(step.GetByTestId("step-output")).ToContainTextAsync("\"ada\"");
        await Assertions.Expect(page.GetByTestId("run-output")).ToContainTextAsync("HELLO ada");
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("run-page.png"), FullPage = true });
    }

    [Fact]
    public async Task The_dashboard_shows_the_day_figures_and_the_chart()
    {
        using var api = desk.ApiClient();
        var workflowId = await SaveAsync(api, Greeting.Replace("\"Greeting\"", "\"Dashboard greeting\"", StringComparison.Ordinal));
        var executionId = await StartAsync(api, workflowId, new JsonObject { ["who"] = "grace" });
        var page = await desk.SignedInPageAsync();

        await Assertions.Expect(page.GetByTestId("stats-24h")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=stats-24h] [data-testid=count-Succeeded]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("runs-per-hour").Locator("svg").First).ToBeVisibleAsync();
        Assert.NotEqual(Guid.Empty, executionId);
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard.png"), FullPage = true });
    }

    private static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("DESK_SCREENSHOTS") is { Length: > 0 } configured ? configured : AppContext.BaseDirectory;
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static async Task<Guid> SaveAsync(HttpClient api, string json)
    {
        using var response = await api.PostAsync(new Uri("/api/v1/workflows", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> StartAsync(HttpClient api, Guid workflowId, JsonObject input)
    {
        using var response = await api.PostAsJsonAsync(new Uri($"/api/v1/workflows/{workflowId}/execute", UriKind.Relative), input);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["executionId"]!.GetValue<Guid>();
    }
}
