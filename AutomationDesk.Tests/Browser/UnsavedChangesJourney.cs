using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>Nothing lost: leaving a half-built workflow asks first, and Ctrl+S saves it without the browser's save dialog.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UnsavedChangesJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    [Fact]
    public async Task Leaving_a_new_workflow_with_changes_asks_first_and_ctrl_s_saves_it()
    {
        var page = await desk.SignedInPageAsync();
        await page.GotoAsync("/workflows/new");
        await BrowserDesk.WaitForCircuitAsync(page);
        var name = page.Locator("div[data-field='name'] input");
        await name.FillAsync("Kept by Ctrl+S");
        await page.Locator("[data-testid=step-search] input").FillAsync("transform");
        await page.Locator("[data-testid='add-step-transform']").ClickAsync();
        await page.Locator("div[data-field='steps[0].config.value'] textarea").FillAsync("{\"ok\": true}");

        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Workflows", Exact = true }).ClickAsync();
        var question = page.Locator(".mud-dialog");
        await Assertions.Expect(question).ToContainTextAsync("Leave without saving?");
        await question.GetByRole(AriaRole.Button, new() { Name = "Stay" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/workflows/new$"));
        await Assertions.Expect(name).ToHaveValueAsync("Kept by Ctrl+S");
        await page.Keyboard.PressAsync("Control+s");
        await page.WaitForFunctionAsync(
            "() => /\\/workflows\\/[0-9a-f-]{36}$/.test(location.pathname)", null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
        await Assertions.Expect(page.GetByTestId("workflow-version")).ToHaveTextAsync("v1");
        await Assertions.Expect(page.GetByTestId("unsaved")).ToHaveCountAsync(0);
    }
}
