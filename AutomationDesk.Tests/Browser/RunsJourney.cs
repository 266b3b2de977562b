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
        await BrowserDesk.ScreenshotAsync(page, "executions.png");
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 15_000 });
        var step = page.Locator("[data-testid=step][data-step-id=greet]");
        await step.Locator(".mud-expand-panel-header").ClickAsync();
        await Assertions.Expect(step.GetByTestId("step-output")).ToContainTextAsync("\"ada\"");
        await Assertions.Expect(page.GetByTestId("run-output")).ToContainTextAsync("HELLO ada");
        await BrowserDesk.ScreenshotAsync(page, "run-page.png");
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
        await BrowserDesk.ScreenshotAsync(page, "dashboard.png");
    }

    [Fact]
    public async Task A_filtered_executions_list_keeps_its_filters_and_page_through_a_reload()
    {
        using var api = desk.ApiClient();
        const string name = "Filtered greeting";
        var workflowId = await SaveAsync(api, Greeting.Replace("\"Greeting\"", $"\"{name}\"", StringComparison.Ordinal));
        // Without "who" the first template names a path the trigger does not have: the run fails. 27 failed runs fill a
        // page of 25 and two rows of the next; one succeeded run of the same workflow must stay out of the filtered view.
        var failed = new List<Guid>();
        for (var i = 0; i < 27; i++)
        {
            failed.Add(await StartAsync(api, workflowId, new JsonObject()));
        }
        await StartAsync(api, workflowId, new JsonObject { ["who"] = "kept out" });
        foreach (var id in failed)
        {
            await WaitForStatusAsync(api, id, "Failed");
        }

        var page = await desk.SignedInPageAsync();
        await page.GotoAsync("/executions");
        await BrowserDesk.WaitForCircuitAsync(page);
        await page.Locator("input[data-testid=filter-text], [data-testid=filter-text] input").FillAsync(name);
        await page.GetByTestId("filter-status").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("Failed", new() { Exact = true }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await BrowserDesk.WaitForAddressAsync(page, url => url.Contains("status=Failed", StringComparison.Ordinal) && url.Contains("q=Filtered", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await BrowserDesk.WaitForAddressAsync(page, url => url.Contains("page=2", StringComparison.Ordinal));
        await ExpectFailedRowsAsync(page, 2);
        var address = page.Url;

        await page.ReloadAsync();
        await BrowserDesk.WaitForCircuitAsync(page);

        Assert.Equal(address, page.Url);
        await ExpectFailedRowsAsync(page, 2);
        await Assertions.Expect(page.Locator("input[data-testid=filter-text], [data-testid=filter-text] input")).ToHaveValueAsync(name);
        await Assertions.Expect(page.Locator("input[data-testid=filter-status]")).ToHaveValueAsync("Failed");
        await Assertions.Expect(page.GetByTestId("executions-table")).ToContainTextAsync("26-27 of 27");
    }

    /// <summary>The table shows exactly <paramref name="count"/> rows, every one a failed run of the filtered workflow.</summary>
    private static async Task ExpectFailedRowsAsync(IPage page, int count)
    {
        var rows = page.GetByTestId("executions-table").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(count, new() { Timeout = 15_000 });
        await Assertions.Expect(rows.Locator("[data-testid=run-status][data-status=Failed]")).ToHaveCountAsync(count);
        await Assertions.Expect(rows.Filter(new() { HasText = "Filtered greeting" })).ToHaveCountAsync(count);
    }

    private static async Task WaitForStatusAsync(HttpClient api, Guid executionId, string status)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var run = await api.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/executions/{executionId}", UriKind.Relative));
            if ((string?)run!["status"] == status)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Run {executionId} did not become {status} within 30 s.");
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
