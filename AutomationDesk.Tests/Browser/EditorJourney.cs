using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class EditorJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };

    [Fact]
    public async Task An_admin_builds_a_workflow_with_the_forms_saves_it_runs_it_and_sees_it_succeed_live()
    {
        var page = await desk.SignedInPageAsync();
        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Workflows", Exact = true }).ClickAsync();
        await page.GetByTestId("new-workflow").ClickAsync();
        await BrowserDesk.WaitForAddressAsync(page, url => Regex.IsMatch(url, "/workflows/new$"));

        await page.Locator("div[data-field='name'] input").FillAsync("Journey greeting");
        await page.Locator("[data-testid='add-step-transform']").ClickAsync();
        await page.Locator("div[data-field='steps[0].config.value'] textarea").FillAsync("{\"who\": \"${trigger.body.who ?? \\\"world\\\"}\"}");
        await page.Locator("[data-testid='add-step-condition']").ClickAsync();
        await page.Locator("div[data-field='steps[1].config.left'] input").FillAsync("${steps.transform.output.who}");
        await page.Locator("div[data-field='steps[1].config.right'] input").FillAsync("world");
        await page.Locator("[data-testid='add-step-notification.send']").ClickAsync();
        var title = page.Locator("div[data-field='steps[2].config.title'] input");
        await title.FillAsync("Hello ${steps.tr");
        await page.Locator("[data-testid=template-suggestion][data-path='steps.transform.output']").ClickAsync();
        await Assertions.Expect(title).ToHaveValueAsync("Hello ${steps.transform.output}");
        await title.FillAsync("Hello ${steps.transform.output.who}");

        await Assertions.Expect(page.GetByTestId("validation-summary")).ToHaveCountAsync(0);
        await BrowserDesk.ScreenshotAsync(page, "workflow-editor.png");
        await BrowserDesk.SaveNewWorkflowAsync(page);
        await Assertions.Expect(page.GetByTestId("workflow-version")).ToHaveTextAsync("v1");

        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Workflows", Exact = true }).ClickAsync();
        var row = page.GetByTestId("workflow-row").Filter(new() { HasText = "Journey greeting" });
        await Assertions.Expect(row.GetByTestId("last-run")).ToContainTextAsync("never run");
        await page.EvaluateAsync("() => window.deskNoReload = true");
        await row.GetByTestId("run-workflow").ClickAsync();
        await page.GetByTestId("run-start").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", Live);
        await Assertions.Expect(page.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "1", Live);
        Assert.True(await page.EvaluateAsync<bool>("() => window.deskNoReload === true"), "Opening the new run reloaded the page instead of following it live.");
        var notify = page.Locator("[data-testid=step][data-step-id='notification_send']");
        await Assertions.Expect(notify).ToHaveAttributeAsync("data-step-status", "Succeeded");
        await notify.Locator(".mud-expand-panel-header").ClickAsync();
        await Assertions.Expect(notify.GetByTestId("step-input")).ToContainTextAsync("Hello world");
        await Assertions.Expect(notify.GetByTestId("step-output")).ToContainTextAsync("createdAt");
    }

    [Fact]
    public async Task A_viewer_opens_a_workflow_but_has_no_save_button()
    {
        using var api = desk.ApiClient();
        var created = await api.PostAsJsonAsync("/api/v1/workflows", JsonNode.Parse("""
            { "name": "Viewer can look", "trigger": { "type": "manual" },
              "steps": [ { "id": "shape", "type": "transform", "config": { "value": { "ok": true } } } ] }
            """));
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var viewer = await api.PostAsJsonAsync("/api/v1/users", new { email = "viewer@desk.test", password = "Viewer-Test-1", role = "Viewer" });
        viewer.EnsureSuccessStatusCode();

        var page = await desk.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = desk.Address.ToString() });
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", "viewer@desk.test");
        await page.FillAsync("#password", "Viewer-Test-1");
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync($"/workflows/{id}");
        await BrowserDesk.WaitForCircuitAsync(page);

        await Assertions.Expect(page.Locator("div[data-field='name'] input")).ToHaveValueAsync("Viewer can look");
        await Assertions.Expect(page.GetByTestId("save-workflow")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("test-run")).ToHaveCountAsync(0);
    }

}
