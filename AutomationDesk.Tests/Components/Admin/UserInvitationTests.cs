using System.Security.Claims;
using AutomationDesk.Core;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Account;
using AutomationDesk.Web.Components.Pages.Admin;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AutomationDesk.Tests.Components.Admin;

/// <summary>
/// The users page invites a person and resets a password with a one-time link instead of a typed password; the link
/// opens the set-password page until it is used, replaced or a week old (by the desk's clock); the last active admin
/// cannot be deactivated.
/// </summary>
public sealed class UserInvitationTests : RolePageTest
{
    private readonly FakeTimeProvider _clock;

    public UserInvitationTests()
        : this(new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero)))
    {
    }

    private UserInvitationTests(FakeTimeProvider clock)
        : base(services => services.AddSingleton<TimeProvider>(clock)) => _clock = clock;

    private PasswordLinkTokenProvider Tokens => new(Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), _clock);

    private static string TokenOf(string url) => Uri.UnescapeDataString(new Uri(url).Query.Split("token=")[1]);

    private async Task<(IRenderedComponent<UserAdmin> Page, DeskUser Me)> OpenAsAdminAsync(int rows = 1)
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<UserAdmin>();
        page.WaitForAssertion(() => Assert.Equal(rows, Rows(page, "user-row").Count), Patience);
        return (page, me);
    }

    [Fact]
    public async Task Inviting_shows_a_one_time_link_once_and_the_person_has_no_password()
    {
        var (page, _) = await OpenAsAdminAsync();
        Assert.Empty(page.FindAll("[data-testid=new-password]"));

        InputOf(page, "new-email").Change("eve@desk.test");
        await page.Find("[data-testid=invite-user]").ClickAsync(new());

        var url = page.WaitForElement("[data-testid=password-link-url]", Patience).TextContent;
        Assert.StartsWith("http://localhost/account/set-password?token=", url, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=password-link] [data-testid=copy-button]"));
        Assert.Contains("2026-12-14 09:00 UTC", page.Find("[data-testid=password-link]").TextContent, StringComparison.Ordinal);
        var eve = (await UserManager.FindByEmailAsync("eve@desk.test"))!;
        Assert.False(await UserManager.HasPasswordAsync(eve));
        Assert.Equal(eve.Id, (await PasswordLinks.HolderAsync(UserManager, Tokens, TokenOf(url)))?.Id);
        await using var db = NewDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "user.invite" && a.Target == $"user:{eve.Id}"));
        Assert.DoesNotContain(TokenOf(url), await db.Users.AsNoTracking().Select(u => u.SecurityStamp + u.PasswordHash).ToListAsync());
    }

    [Fact]
    public async Task A_link_works_once()
    {
        var (page, _) = await OpenAsAdminAsync();
        InputOf(page, "new-email").Change("eve@desk.test");
        await page.Find("[data-testid=invite-user]").ClickAsync(new());
        var token = TokenOf(page.WaitForElement("[data-testid=password-link-url]", Patience).TextContent);

        var first = await PasswordLinks.SetAsync(UserManager, Tokens, token, "Chosen-Pass-42");
        var second = await PasswordLinks.SetAsync(UserManager, Tokens, token, "Other-Pass-42");

        Assert.Equal(PasswordSetOutcome.Set, first.Outcome);
        Assert.Equal(PasswordSetOutcome.LinkInvalid, second.Outcome);
        Assert.True(await UserManager.CheckPasswordAsync((await UserManager.FindByEmailAsync("eve@desk.test"))!, "Chosen-Pass-42"));
    }

    [Fact]
    public async Task A_link_expires_after_seven_days_by_the_desks_clock()
    {
        var (page, _) = await OpenAsAdminAsync();
        InputOf(page, "new-email").Change("eve@desk.test");
        await page.Find("[data-testid=invite-user]").ClickAsync(new());
        var url = page.WaitForElement("[data-testid=password-link-url]", Patience).TextContent;

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var fresh = Render<SetPassword>();
        Assert.Equal("eve@desk.test", fresh.Find("[data-testid=link-email]").TextContent);
        Assert.Contains("At least 8 characters", fresh.Markup, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var expired = Render<SetPassword>();
        Assert.NotNull(expired.Find("[data-testid=link-invalid]"));
        Assert.Equal(PasswordSetOutcome.LinkInvalid, (await PasswordLinks.SetAsync(UserManager, Tokens, TokenOf(url), "Chosen-Pass-42")).Outcome);
    }

    [Fact]
    public async Task Resetting_asks_first_then_removes_the_password_ends_sessions_and_shows_a_link()
    {
        var val = await AddUserAsync("val@desk.test", DeskRoles.Viewer);
        var stampBefore = val.SecurityStamp;
        var (page, _) = await OpenAsAdminAsync(rows: 2);
        var row = Rows(page, "user-row").Single(r => r.GetAttribute("data-email") == "val@desk.test");

        await row.QuerySelector("[data-testid=reset-password]")!.ClickAsync(new());
        Assert.True(await UserManager.HasPasswordAsync((await UserManager.FindByIdAsync(val.Id))!));
        await page.Find("[data-testid=confirm-reset]").ClickAsync(new());

        var url = page.WaitForElement("[data-testid=password-link-url]", Patience).TextContent;
        await using var db = NewDb();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == val.Id);
        Assert.Null(stored.PasswordHash);
        Assert.NotEqual(stampBefore, stored.SecurityStamp);
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "user.password-reset" && a.Target == $"user:{val.Id}"));
        Assert.Equal(PasswordSetOutcome.Set, (await PasswordLinks.SetAsync(UserManager, Tokens, TokenOf(url), "Chosen-Pass-42")).Outcome);
    }

    [Fact]
    public async Task The_last_active_admin_cannot_be_deactivated()
    {
        var only = await AddUserAsync("only-admin@desk.test", DeskRoles.Admin);
        // A caller who passed the Admin policy but is not an active admin user (their role changed a moment ago).
        var caller = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "someone-else")], "test"));

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() => UserActivation.DeactivateAsync(UserManager, only.Id, caller, _clock));

        Assert.Equal("Last active admin", refused.Title);
        Assert.Null((await UserManager.FindByIdAsync(only.Id))!.DeactivatedAt);
    }
}
