using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>The JSON tab's code editor: highlighted, bound to the form, and served entirely by the desk.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CodeEditorJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    [Fact]
    public async Task The_json_tab_highlights_the_definition_typing_there_changes_the_form_and_nothing_is_loaded_from_elsewhere()
    {
        var page = await desk.SignedInPageAsync();
        var requests = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(request.Url);
        page.Worker += (_, worker) => requests.Enqueue(worker.Url);
        await page.GotoAsync("/workflows/new");
        await BrowserDesk.WaitForCircuitAsync(page);
        await page.Locator("div[data-field='name'] input").FillAsync("Before");

        await page.GetByRole(AriaRole.Tab, new() { Name = "JSON" }).ClickAsync();
        var editor = page.Locator("[data-testid=json-editor] .monaco-editor").First;
        await Assertions.Expect(editor).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(editor.Locator(".view-lines")).ToContainTextAsync("\"Before\"");
        // Monaco colours tokens with mtk classes: keys, strings and punctuation differ.
        var colours = await editor.Locator(".view-line span span").EvaluateAllAsync<string[]>("spans => [...new Set(spans.map(s => s.className))]");
        Assert.True(colours.Length >= 3, $"The JSON is not highlighted: token classes {string.Join(", ", colours)}.");

        await editor.Locator(".view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.InsertTextAsync("""{ "schemaVersion": 1, "name": "Typed in JSON", "trigger": { "type": "manual" }, "steps": [] }""");

        // Monaco closes brackets as they are typed: what it added after the cursor goes, as a person would delete it.
        await page.Keyboard.PressAsync("Shift+End");
        await page.Keyboard.PressAsync("Delete");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Form" }).ClickAsync();
        await Assertions.Expect(page.Locator("div[data-field='name'] input")).ToHaveValueAsync("Typed in JSON", new() { Timeout = 20_000 });

        var origin = new Uri(desk.Address.GetLeftPart(UriPartial.Authority));
        var outside = requests.Where(url => !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal)
            && new Uri(url).GetLeftPart(UriPartial.Authority) != origin.GetLeftPart(UriPartial.Authority)).ToList();
        Assert.Contains(requests, url => url.Contains("/_content/BlazorMonaco/", StringComparison.Ordinal));
        Assert.True(outside.Count == 0, $"Requests left the desk: {string.Join(", ", outside)}");
        Assert.Matches(new Regex("/workflows/new$"), page.Url);
    }
}
