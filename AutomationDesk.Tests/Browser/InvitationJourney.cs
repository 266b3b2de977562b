using Microsoft.Playwright;

namespace AutomationDesk.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class InvitationJourney(BrowserDesk desk) : IClassFixture<BrowserDesk>
{
    [Fact]
    public async Task An_admin_invites_a_person_who_sets_a_password_from_the_link_and_signs_in()
    {
        var email = $"new-{Guid.NewGuid():N}@desk.test";
        var admin = await desk.SignedInPageAsync();
        await admin.GotoAsync("/admin/users");
        await BrowserDesk.WaitForCircuitAsync(admin);

        await admin.Locator("input[data-testid=new-email]").FillAsync(email);
        await admin.GetByTestId("invite-user").ClickAsync();
        var link = await admin.GetByTestId("password-link-url").InnerTextAsync();
        Assert.Contains("/account/set-password?token=", link, StringComparison.Ordinal);

        // The invited person opens the link in a browser of their own.
        await using var theirs = await desk.Browser.NewContextAsync();
        var page = await theirs.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByTestId("link-email")).ToHaveTextAsync(email);
        await page.FillAsync("#password", "Chosen-Pass-42");
        await page.FillAsync("#confirm", "Chosen-Pass-42");
        await page.ClickAsync("#set-password");
        await page.WaitForURLAsync(url => !url.Contains("/account/", StringComparison.Ordinal));
        await BrowserDesk.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(email);

        // Signed out, the same person signs in with the password they chose.
        await using var later = await desk.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = desk.Address.ToString() });
        var signIn = await later.NewPageAsync();
        await signIn.GotoAsync("/account/login");
        await signIn.FillAsync("#email", email);
        await signIn.FillAsync("#password", "Chosen-Pass-42");
        await signIn.ClickAsync("#sign-in");
        await signIn.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await BrowserDesk.WaitForCircuitAsync(signIn);
        await Assertions.Expect(signIn.GetByTestId("signed-in-user")).ToHaveTextAsync(email);
    }
}
