using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

/// <summary>
/// The desk on a real loopback port over a temporary SQLite file, and Debian's Chromium driven by Playwright:
/// what a person uses, end to end.
/// </summary>
public sealed partial class BrowserDesk : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@desk.test";
    public const string AdminPassword = "Browser-Test-1";
    public const string AdminKey = "browser-admin-key-0123456789";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-browser-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_folder);
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Desk", $"Data Source={Path.Combine(_folder, "desk.db")}");
        builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Bootstrap:ApiKey", AdminKey);
        builder.UseSetting("Http:AllowPrivateNetworks", "true");
    }

    public async Task InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>
    /// With <c>DESK_SCREENSHOTS</c> set to a folder, saves the page there (the README's pictures come from these runs:
    /// <c>DESK_SCREENSHOTS=$PWD/docs</c>); otherwise does nothing. A tall viewport rather than a full-page capture, which
    /// repeats the fixed app bar mid-page.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("DESK_SCREENSHOTS") is not { Length: > 0 } folder)
        {
            return;
        }
        Directory.CreateDirectory(folder);
        var viewport = page.ViewportSize;
        await page.SetViewportSizeAsync(1280, 1600);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), Animations = ScreenshotAnimations.Disabled });
        if (viewport is not null)
        {
            await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        }
    }

    /// <summary>
    /// Waits until the page's address satisfies <paramref name="matches"/>. For the desk's own moves (Blazor's router,
    /// history.pushState / replaceState) rather than WaitForURLAsync, which also waits for a load event that a
    /// same-document move under load sometimes never reported (seen as "waiting for navigation until Load" timeouts).
    /// </summary>
    public static async Task WaitForAddressAsync(IPage page, Func<string, bool> matches, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!matches(page.Url))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The page's address did not change as expected within {timeoutMs / 1000} s; it is {page.Url}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A fresh page signed in as the admin, on the dashboard with its circuit live.</summary>
    public async Task<IPage> SignedInPageAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = Address.ToString() });
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", AdminEmail);
        await page.FillAsync("#password", AdminPassword);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>
    /// Saves the new workflow open in the editor and waits for the saved workflow's page. When it does not open, the
    /// failure says what the page showed (its messages, the reconnect dialog) rather than only that time ran out.
    /// </summary>
    public static async Task SaveNewWorkflowAsync(IPage page)
    {
        await page.GetByTestId("save-workflow").ClickAsync();
        try
        {
            // The editor moves to the saved workflow inside the page (history.pushState). Waiting for a navigation event
            // sometimes missed it (the page was already at the saved workflow's address when time ran out), so the
            // address itself is polled in the page.
            await page.WaitForFunctionAsync(
                "() => /\\/workflows\\/[0-9a-f-]{36}$/.test(location.pathname)", null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
        }
        catch (TimeoutException e)
        {
            var messages = await page.Locator(".mud-snackbar").AllInnerTextsAsync();
            var reconnecting = await page.Locator("#components-reconnect-modal").IsVisibleAsync();
            throw new TimeoutException(
                $"The saved workflow's page did not open; the page is at {page.Url}. Messages: [{string.Join(" | ", messages)}]. Reconnect dialog shown: {reconnecting}.", e);
        }
    }

    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-circuit-ready=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 15_000 });

    /// <summary>An API client on the real port with the admin key.</summary>
    public HttpClient ApiClient()
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection: the temp folder is cleaned by the OS.
        }
    }
}
