using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Web.Components.Pages.Admin;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class SettingsAdminTests : RolePageTest
{
    private DeskSettings Settings => Services.GetRequiredService<DeskSettings>();

    private IRenderedComponent<SettingsAdmin> RenderPage()
    {
        SignInAs(DeskRoles.Admin);
        Render<MudPopoverProvider>();
        var page = Render<SettingsAdmin>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=save-settings]")), Patience);
        return page;
    }

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<SettingsAdmin> page, string key) => page.Find($"div[data-field='{key}'] input");

    [Fact]
    public async Task Stored_values_show_in_their_fields_and_an_unset_retention_shows_its_default()
    {
        await Settings.ChangeAsync(DeskSettingKeys.PublicBaseUrl, "https://desk.example.com/", Actor.System, CancellationToken.None);
        await Settings.ChangeAsync(DeskSettingKeys.ExecutionsDays, 14, Actor.System, CancellationToken.None);
        await Settings.ChangeAsync("vars.region", new JsonObject { ["name"] = "eu-west" }, Actor.System, CancellationToken.None);

        var page = RenderPage();

        Assert.Equal("https://desk.example.com", Input(page, DeskSettingKeys.PublicBaseUrl).GetAttribute("value"));
        Assert.Equal("14", Input(page, DeskSettingKeys.ExecutionsDays).GetAttribute("value"));
        Assert.Equal("90", Input(page, DeskSettingKeys.NotificationsDays).GetAttribute("placeholder"));
        Assert.Contains("default 90", page.Find($"div[data-field='{DeskSettingKeys.NotificationsDays}']").TextContent, StringComparison.Ordinal);
        var row = Assert.Single(page.FindAll("[data-testid=var-row]"));
        Assert.Equal("region", row.GetAttribute("data-name"));
        Assert.Contains("eu-west", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_writes_only_what_was_changed_audited_and_an_emptied_field_goes_back_to_its_default()
    {
        await Settings.ChangeAsync(DeskSettingKeys.ExecutionsDays, 14, Actor.System, CancellationToken.None);
        var page = RenderPage();

        Input(page, DeskSettingKeys.WebhookEventsDays).Change("45");
        Input(page, DeskSettingKeys.ExecutionsDays).Change("");
        await page.Find("[data-testid=save-settings]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.True(page.Find("[data-testid=save-settings]").HasAttribute("disabled")), Patience);
        var retention = await Settings.RetentionAsync(CancellationToken.None);
        Assert.Equal(RetentionSettings.Default with { WebhookEventsDays = 45 }, retention);
        await using var db = NewDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "setting.set" && a.Target == "setting:" + DeskSettingKeys.WebhookEventsDays && a.Actor == "admin@desk.test"));
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "setting.delete" && a.Target == "setting:" + DeskSettingKeys.ExecutionsDays));
        Assert.False(await db.AuditEvents.AnyAsync(a => a.Target == "setting:" + DeskSettingKeys.NotificationsDays));
    }

    [Fact]
    public async Task A_wrong_value_is_refused_beside_its_field_in_core_s_words_and_nothing_is_stored()
    {
        var page = RenderPage();

        Input(page, DeskSettingKeys.ExecutionsDays).Change("0");
        Input(page, DeskSettingKeys.PublicBaseUrl).Change("https://desk.example.com/?x=1");
        await page.Find("[data-testid=save-settings]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("from 1 to 3650", page.Find($"div[data-field='{DeskSettingKeys.ExecutionsDays}']").TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains("remove the ?query", page.Find($"div[data-field='{DeskSettingKeys.PublicBaseUrl}']").TextContent, StringComparison.Ordinal);
        Assert.Equal("0", Input(page, DeskSettingKeys.ExecutionsDays).GetAttribute("value"));
        Assert.Empty(await Settings.AllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_variable_is_added_edited_and_deleted_from_the_table()
    {
        var page = RenderPage();

        page.Find("div[data-field='var-name'] input").Change("region");
        page.Find("div[data-field='var-value'] textarea").Change("eu-west");
        await page.Find("[data-testid=save-var]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("Not valid JSON", page.Find("div[data-field='var-value']").TextContent, StringComparison.Ordinal), Patience);

        page.Find("div[data-field='var-value'] textarea").Change("\"eu-west\"");
        await page.Find("[data-testid=save-var]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=var-row]")), Patience);
        Assert.Equal("\"eu-west\"", (await Settings.VarsAsync(CancellationToken.None))["region"]!.ToJsonString());

        await page.Find("[data-testid=edit-var]").ClickAsync(new());
        page.Find("div[data-field='var-value'] textarea").Change("{ \"name\": \"us-east\" }");
        await page.Find("[data-testid=save-var]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("us-east", page.Find("[data-testid=var-row]").TextContent, StringComparison.Ordinal), Patience);

        await page.Find("[data-testid=delete-var]").ClickAsync(new());
        await page.Find("[data-testid=confirm-delete-var]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=var-row]")), Patience);
        Assert.Empty(await Settings.VarsAsync(CancellationToken.None));
        await using var db = NewDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "setting.delete" && a.Target == "setting:vars.region"));
    }

    [Fact]
    public async Task Another_admins_change_shows_live_and_what_this_admin_typed_is_kept()
    {
        var page = RenderPage();
        Input(page, DeskSettingKeys.NotificationsDays).Change("120");

        await Settings.ChangeAsync(DeskSettingKeys.ExecutionsDays, 7, Actor.User("other@desk.test"), CancellationToken.None);
        await Settings.ChangeAsync("vars.team", "ops", Actor.User("other@desk.test"), CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal("7", Input(page, DeskSettingKeys.ExecutionsDays).GetAttribute("value")), Patience);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=var-row]")), Patience);
        Assert.Equal("120", Input(page, DeskSettingKeys.NotificationsDays).GetAttribute("value"));
    }
}
