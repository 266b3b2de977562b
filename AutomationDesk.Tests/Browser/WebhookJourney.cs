using System.Net;
using System.Text;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>A webhook workflow built in the editor, called from outside, watched live in the executions and webhook events lists.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebhookJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private const string Name = "Journey webhook greeting";
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 30_000 };

    [Fact]
    public async Task An_admin_builds_a_webhook_workflow_posts_to_its_url_and_watches_the_run_and_the_event_live()
    {
        var page = await desk.SignedInPageAsync();
        await page.GotoAsync("/workflows/new");
        await BrowserDesk.WaitForCircuitAsync(page);
        await page.Locator("div[data-field='name'] input").FillAsync(Name);
        await page.GetByTestId("trigger-type").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("webhook", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-unsaved")).ToContainTextAsync("Save the workflow to get its URL");
        await page.Locator("[data-testid='add-step-transform']").ClickAsync();
        await page.Locator("div[data-field='steps[0].config.value'] textarea").FillAsync("{\"hello\": \"${trigger.body.name}\"}");
        await Assertions.Expect(page.GetByTestId("validation-summary")).ToHaveCountAsync(0);
        await BrowserDesk.SaveNewWorkflowAsync(page);

        var urlElement = page.GetByTestId("webhook-url");
        await Assertions.Expect(urlElement).ToContainTextAsync("/api/webhooks/", new() { Timeout = 15_000 });
        var url = new Uri((await urlElement.TextContentAsync())!.Trim());
        Assert.Equal(desk.Address.Authority, url.Authority);
        await BrowserDesk.ScreenshotAsync(page, "webhook-editor.png");

        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Executions", Exact = true }).ClickAsync();
        await page.GetByTestId("executions-table").WaitForAsync(new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => window.deskNoReload = true");

        using var sender = new HttpClient();
        using var response = await sender.PostAsync(url, new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var row = page.Locator("tr").Filter(new() { Has = page.Locator("[data-testid=execution-link]", new() { HasText = Name }) });
        await Assertions.Expect(row.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Succeeded", Live);
        Assert.True(await page.EvaluateAsync<bool>("() => window.deskNoReload === true"), "The executions list reloaded instead of updating live.");

        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Webhook events", Exact = true }).ClickAsync();
        var eventRow = page.GetByTestId("webhook-event-row").Filter(new() { HasText = Name });
        await Assertions.Expect(eventRow).ToHaveAttributeAsync("data-status", "accepted", Live);
        await BrowserDesk.ScreenshotAsync(page, "webhook-events.png");
        await eventRow.GetByTestId("open-event").ClickAsync();
        await Assertions.Expect(page.GetByTestId("event-body")).ToContainTextAsync("\"name\": \"Ada\"", new() { Timeout = 15_000 });
        await BrowserDesk.ScreenshotAsync(page, "webhook-event.png");
    }

}
