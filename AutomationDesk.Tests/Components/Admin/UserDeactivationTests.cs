using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Admin;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Components.Admin;

/// <summary>The users page deactivates a person after asking, reactivates them, and never offers to deactivate yourself.</summary>
public sealed class UserDeactivationTests : RolePageTest
{
    [Fact]
    public async Task Deactivating_a_user_asks_first_then_marks_them_deactivated()
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        var val = await AddUserAsync("val@desk.test", DeskRoles.Viewer);
        var stampBefore = val.SecurityStamp;
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<UserAdmin>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "user-row").Count), Patience);
        var mine = Rows(page, "user-row").Single(r => r.GetAttribute("data-email") == "admin@desk.test");
        Assert.Null(mine.QuerySelector("[data-testid=deactivate]"));

        await Rows(page, "user-row").Single(r => r.GetAttribute("data-email") == "val@desk.test").QuerySelector("[data-testid=deactivate]")!.ClickAsync(new());
        Assert.Null((await UserManager.FindByIdAsync(val.Id))!.DeactivatedAt);
        await page.Find("[data-testid=confirm-deactivate]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("false", Rows(page, "user-row").Single(r => r.GetAttribute("data-email") == "val@desk.test").GetAttribute("data-active")), Patience);
        await using (var db = NewDb())
        {
            var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == val.Id);
            Assert.NotNull(stored.DeactivatedAt);
            Assert.NotEqual(stampBefore, stored.SecurityStamp);
            Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "user.deactivate" && a.Target == $"user:{val.Id}"));
        }

        await page.Find("[data-testid=reactivate]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("true", Rows(page, "user-row").Single(r => r.GetAttribute("data-email") == "val@desk.test").GetAttribute("data-active")), Patience);
        await using var after = NewDb();
        Assert.Null((await after.Users.AsNoTracking().SingleAsync(u => u.Id == val.Id)).DeactivatedAt);
    }

    [Fact]
    public async Task Cancelling_leaves_the_user_active()
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        var val = await AddUserAsync("val@desk.test", DeskRoles.Viewer);
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<UserAdmin>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "user-row").Count), Patience);

        await page.Find("[data-testid=deactivate]").ClickAsync(new());
        await page.Find("[data-testid=cancel-deactivate]").ClickAsync(new());

        Assert.NotNull(page.Find("[data-testid=deactivate]"));
        await using var db = NewDb();
        Assert.Null((await db.Users.AsNoTracking().SingleAsync(u => u.Id == val.Id)).DeactivatedAt);
    }
}
