using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Admin;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class AdminPagesTests : RolePageTest
{
    [Fact]
    public async Task An_admin_invites_a_user_with_a_role()
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<UserAdmin>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "user-row")), Patience);

        InputOf(page, "new-email").Change("eve@desk.test");
        await page.InvokeAsync(() => page.FindComponents<MudSelect<string>>()[0].Instance.ValueChanged.InvokeAsync(DeskRoles.Editor));
        await page.Find("[data-testid=invite-user]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "user-row").Count), Patience);
        var eve = Rows(page, "user-row").Single(r => r.GetAttribute("data-email") == "eve@desk.test");
        Assert.Equal(DeskRoles.Editor, eve.GetAttribute("data-role"));
        Assert.True(await UserManager.IsInRoleAsync((await UserManager.FindByEmailAsync("eve@desk.test"))!, DeskRoles.Editor));
    }

    [Fact]
    public async Task A_bad_email_is_refused_with_a_message_that_names_the_field()
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<UserAdmin>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "user-row")), Patience);

        InputOf(page, "new-email").Change("not-an-email");
        await page.Find("[data-testid=invite-user]").ClickAsync(new());

        Assert.StartsWith("Email:", page.Find("[data-testid=user-error]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Single(Rows(page, "user-row"));
    }

    [Fact]
    public async Task An_admin_changes_another_users_role_but_not_their_own()
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        var viewer = await AddUserAsync("val@desk.test", DeskRoles.Viewer);
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<UserAdmin>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "user-row").Count), Patience);
        // The first select is the new user's role; then one per row, ordered by email.
        var selects = page.FindComponents<MudSelect<string>>();
        var (mine, theirs) = (selects[1], selects[2]);
        Assert.True(mine.Instance.Disabled);

        await page.InvokeAsync(() => theirs.Instance.ValueChanged.InvokeAsync(DeskRoles.Editor));

        page.WaitForAssertion(() => Assert.Equal(DeskRoles.Editor, Rows(page, "user-row").Single(r => r.GetAttribute("data-email") == "val@desk.test").GetAttribute("data-role")), Patience);
        await using var db = NewDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "user.role" && a.Target == $"user:{viewer.Id}"));
    }

    [Fact]
    public async Task A_new_api_key_is_shown_once_with_a_copy_button_and_works()
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<ApiKeyAdmin>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);

        InputOf(page, "key-name").Change("deploy-script");
        await page.Find("[data-testid=create-key]").ClickAsync(new());

        var key = page.WaitForElement("[data-testid=new-key-value]", Patience).TextContent;
        Assert.StartsWith("adk_", key, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=new-key] [data-testid=copy-button]"));
        Assert.Equal("deploy-script", Assert.Single(Rows(page, "key-row")).GetAttribute("data-name"));
        Assert.Equal(me.Id, (await Services.GetRequiredService<ApiKeyStore>().ValidateAsync(key, CancellationToken.None))?.UserId);

        var again = Render<ApiKeyAdmin>();
        again.WaitForAssertion(() => Assert.Single(Rows(again, "key-row")), Patience);
        Assert.Empty(again.FindAll("[data-testid=new-key]"));
        Assert.DoesNotContain(key, again.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_a_key_asks_first_then_the_key_stops_working()
    {
        var me = await AddUserAsync("admin@desk.test", DeskRoles.Admin);
        var created = await Services.GetRequiredService<ApiKeyStore>().CreateAsync("old-script", me.Id, Actor.System, CancellationToken.None);
        SignInAs(DeskRoles.Admin, me.Id);
        var page = Render<ApiKeyAdmin>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "key-row")), Patience);

        await page.Find("[data-testid=revoke]").ClickAsync(new());
        Assert.NotNull(await Services.GetRequiredService<ApiKeyStore>().ValidateAsync(created.Key, CancellationToken.None));
        await page.Find("[data-testid=confirm-revoke]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);
        Assert.Null(await Services.GetRequiredService<ApiKeyStore>().ValidateAsync(created.Key, CancellationToken.None));
    }

    [Fact]
    public async Task A_secret_is_set_and_its_value_is_never_rendered_back()
    {
        const string value = "sk_live_very-secret-value";
        var page = Render<SecretAdmin>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);

        InputOf(page, "secret-name").Change("stripe");
        InputOf(page, "secret-value").Change(value);
        await page.Find("[data-testid=save-secret]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("stripe", Assert.Single(Rows(page, "secret-row")).GetAttribute("data-name")), Patience);
        Assert.DoesNotContain(value, page.Markup, StringComparison.Ordinal);
        Assert.Equal("", InputOf(page, "secret-value").GetAttribute("value") ?? "");
        Assert.Equal(value, (await Services.GetRequiredService<SecretStore>().RevealAsync(["stripe"], CancellationToken.None))["stripe"]);

        await page.Find("[data-testid=replace]").ClickAsync(new());
        Assert.DoesNotContain(value, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_secret_name_is_refused_with_the_rule()
    {
        var page = Render<SecretAdmin>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);

        InputOf(page, "secret-name").Change("1 bad name");
        InputOf(page, "secret-value").Change("x");
        await page.Find("[data-testid=save-secret]").ClickAsync(new());

        Assert.Contains("starting with a letter", page.Find("[data-testid=secret-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(await Services.GetRequiredService<SecretStore>().ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_a_secret_asks_first()
    {
        await Services.GetRequiredService<SecretStore>().SetAsync("smtp", "pw", Actor.System, CancellationToken.None);
        await Services.GetRequiredService<SecretStore>().SetAsync("github", "token", Actor.System, CancellationToken.None);
        var page = Render<SecretAdmin>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "secret-row").Count), Patience);

        InputOf(page, "search").Change("smt");
        Assert.Single(Rows(page, "secret-row"));
        await page.Find("[data-testid=delete]").ClickAsync(new());
        await page.Find("[data-testid=confirm-delete]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);
        Assert.Equal(["github"], (await Services.GetRequiredService<SecretStore>().ListAsync(CancellationToken.None)).Select(s => s.Name));
    }
}
