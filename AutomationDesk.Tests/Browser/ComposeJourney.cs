using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>Composing work in the browser: a loop over a sub-workflow built with the forms, watched live as its items end.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ComposeJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    private const string ItemWorkflow = "Handle one order";
    private const string ParentWorkflow = "Process orders";
    private static readonly string[] Orders = ["A1", "A2", "A3", "A4", "A5", "A6"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions LiveText = new() { Timeout = 30_000 };

    [Fact]
    public async Task An_editor_builds_a_foreach_over_a_sub_workflow_with_the_forms_and_watches_the_item_count_rise_live()
    {
        using var shop = new HeldOrders();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            // A failed test must not leave requests held: the server would wait for them when it stops.
            app.Lifetime.ApplicationStopping.Register(shop.ReleaseHeld);
            app.MapGet("/orders/{order}", (string order) => shop.HoldAsync(order));
        });
        var page = await desk.SignedInPageAsync();

        await NewWorkflowAsync(page, ItemWorkflow);
        await page.Locator("[data-testid='add-step-http.request']").ClickAsync();
        await page.Locator("div[data-field='steps[0].config.url'] input").FillAsync(server.Url("/orders/") + "${trigger.body.order}");
        // The shop holds each request until the test lets it go, longer than the default 30 s a request may take.
        await page.Locator("div[data-field='steps[0].config.timeout'] input").FillAsync("00:05:00");
        await Assertions.Expect(page.GetByTestId("validation-summary")).ToHaveCountAsync(0);
        await BrowserDesk.SaveNewWorkflowAsync(page);

        await NewWorkflowAsync(page, ParentWorkflow);
        await page.Locator("[data-testid='add-step-transform']").ClickAsync();
        await page.Locator("div[data-field='steps[0].config.value'] textarea").FillAsync("[" + string.Join(", ", Orders.Select(o => $"\"{o}\"")) + "]");
        await page.Locator("[data-testid='add-step-foreach']").ClickAsync();
        await page.Locator("div[data-field='steps[1].config.items'] input").FillAsync("${steps.transform.output}");
        var picker = page.Locator("div[data-field='steps[1].config.workflowId'] input");
        await picker.ClickAsync();
        await picker.FillAsync("Handle");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = ItemWorkflow }).ClickAsync();
        await Assertions.Expect(page.Locator("div[data-field='steps[1].config.workflowId'] [data-testid=workflow-picker-open]")).ToBeVisibleAsync();
        await page.Locator("div[data-field='steps[1].config.concurrency'] input").FillAsync("2");
        await ChooseAsync(page, page.Locator("div[data-field='steps[1].config.onItemError'] [data-testid=foreach-on-item-error]"), "Stop the loop");
        await page.Locator("div[data-field='steps[1].config.input'] textarea").FillAsync("{ \"order\": \"${item}\" }");
        await Assertions.Expect(page.GetByTestId("validation-summary")).ToHaveCountAsync(0);
        await BrowserDesk.SaveNewWorkflowAsync(page);
        await Assertions.Expect(page.GetByTestId("workflow-version")).ToHaveTextAsync("v1");

        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Workflows", Exact = true }).ClickAsync();
        var row = page.GetByTestId("workflow-row").Filter(new() { HasText = ParentWorkflow });
        await row.GetByTestId("run-workflow").ClickAsync();
        await page.GetByTestId("run-start").ClickAsync();
        await BrowserDesk.WaitForAddressAsync(page, url => url.Contains("/executions/", StringComparison.Ordinal));
        await page.EvaluateAsync("() => window.deskNoReload = true");

        var loop = page.Locator("[data-testid=step][data-step-id=foreach]");
        var progress = loop.GetByTestId("loop-progress");
        for (var done = 0; done < Orders.Length; done += 2)
        {
            await shop.WaitUntilHeldAsync(2);
            await Assertions.Expect(progress).ToContainTextAsync($"{done} / {Orders.Length} items done", LiveText);
            await Assertions.Expect(progress).ToHaveAttributeAsync("data-done", $"{done}", Live);
            shop.ReleaseHeld();
        }
        await Assertions.Expect(progress).ToContainTextAsync($"{Orders.Length} / {Orders.Length} items done", LiveText);
        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", Live);
        Assert.True(await page.EvaluateAsync<bool>("() => window.deskNoReload === true"), "The run page reloaded instead of updating live.");
        Assert.Equal(2, shop.MostAtOnce);
        Assert.Equal(Orders.Order(), shop.Seen.Order());

        await Assertions.Expect(loop).ToHaveAttributeAsync("data-step-status", "Succeeded");
        // A loop's panel opens by itself, with its item runs.
        var items = loop.GetByTestId("item-run");
        await Assertions.Expect(items).ToHaveCountAsync(Orders.Length, new() { Timeout = 30_000 });
        await Assertions.Expect(items.First).ToBeVisibleAsync();
        await Assertions.Expect(loop.Locator("[data-testid=item-run][data-status=Succeeded]")).ToHaveCountAsync(Orders.Length);

        await loop.Locator("[data-testid=item-run][data-index='3'] [data-testid=item-run-link]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("run-origin")).ToContainTextAsync(ParentWorkflow, LiveText);
        await Assertions.Expect(page.GetByTestId("run-origin")).ToContainTextAsync("item 3");
        await Assertions.Expect(page.Locator("[data-testid=run-header] [data-testid=run-status]")).ToHaveAttributeAsync("data-status", "Succeeded", Live);
        var request = page.Locator("[data-testid=step][data-step-id='http_request']");
        await request.Locator(".mud-expand-panel-header").ClickAsync();
        await Assertions.Expect(request.GetByTestId("step-input")).ToContainTextAsync("/orders/A4", LiveText);
    }

    private static async Task NewWorkflowAsync(IPage page, string name)
    {
        await page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Workflows", Exact = true }).ClickAsync();
        await page.GetByTestId("new-workflow").ClickAsync();
        await BrowserDesk.WaitForAddressAsync(page, url => Regex.IsMatch(url, "/workflows/new$"));
        await page.Locator("div[data-field='name'] input").FillAsync(name);
    }

    /// <summary>Opens a MudSelect and picks the option with that text.</summary>
    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(option, new() { Exact = true }).ClickAsync();
    }

    /// <summary>
    /// The shop each item's run calls: it holds every request until the test lets it go, so the test decides when an
    /// item ends instead of hoping a delay lines up, and counts how many it held at once.
    /// </summary>
    private sealed class HeldOrders : IDisposable
    {
        private readonly SemaphoreSlim _arrived = new(0);
        private readonly ConcurrentQueue<TaskCompletionSource> _held = new();
        private int _holding;
        private int _mostAtOnce;

        public ConcurrentBag<string> Seen { get; } = [];

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public async Task<IResult> HoldAsync(string order)
        {
            Seen.Add(order);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var now = Interlocked.Increment(ref _holding);
            int most;
            do
            {
                most = Volatile.Read(ref _mostAtOnce);
            }
            while (now > most && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most);
            _held.Enqueue(gate);
            _arrived.Release();
            await gate.Task;
            Interlocked.Decrement(ref _holding);
            return Results.Json(new { order, handled = true });
        }

        /// <summary>Waits until that many more requests have arrived (and are held).</summary>
        public async Task WaitUntilHeldAsync(int count)
        {
            for (var arrived = 0; arrived < count; arrived++)
            {
                if (!await _arrived.WaitAsync(Patience))
                {
                    throw new TimeoutException($"Only {arrived} of {count} more orders reached the shop within {Patience.TotalSeconds} s (seen so far: {string.Join(", ", Seen)}).");
                }
            }
        }

        /// <summary>Answers every request held now.</summary>
        public void ReleaseHeld()
        {
            while (_held.TryDequeue(out var gate))
            {
                gate.SetResult();
            }
        }

        public void Dispose()
        {
            ReleaseHeld();
            _arrived.Dispose();
        }
    }
}
