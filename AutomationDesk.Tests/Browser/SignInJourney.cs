using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SignInJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    [Fact]
    public async Task A_person_signs_in_and_lands_on_the_dashboard_with_their_name_shown()
    {
        var page = await desk.SignedInPageAsync();

        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(BrowserDesk.AdminEmail);
        await Assertions.Expect(page.Locator("h1, .mud-typography-h4").First).ToContainTextAsync("Dashboard");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        var page = await desk.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = desk.Address.ToString() });

        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", BrowserDesk.AdminEmail);
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#sign-in");

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong email or password");
    }

    [Fact]
    public async Task A_page_opened_without_signing_in_goes_to_the_sign_in_page()
    {
        var page = await desk.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = desk.Address.ToString() });

        await page.GotoAsync("/");

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }
}
