using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class PageAccessTests : RolePageTest
{
    [Theory]
    [InlineData("admin/users")]
    [InlineData("admin/api-keys")]
    [InlineData("admin/secrets")]
    [InlineData("admin/settings")]
    public void A_viewer_opening_an_admin_page_is_told_their_role_does_not_allow_it(string path)
    {
        SignInAs(DeskRoles.Viewer);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(path);

        var routes = Render<Routes>();

        routes.WaitForAssertion(() => Assert.Contains("You cannot open this page", routes.Find("[data-testid=access-denied]").TextContent, StringComparison.Ordinal), Patience);
        Assert.EndsWith(path, navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void An_admin_opening_an_admin_page_sees_it()
    {
        SignInAs(DeskRoles.Admin);
        Services.GetRequiredService<NavigationManager>().NavigateTo("admin/secrets");

        var routes = Render<Routes>();

        routes.WaitForAssertion(() => Assert.NotNull(routes.Find("[data-testid=secret-name]")), Patience);
        Assert.Empty(routes.FindAll("[data-testid=access-denied]"));
    }

    [Fact]
    public void A_signed_out_visitor_is_sent_to_sign_in()
    {
        Auth.SetNotAuthorized();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("notifications");

        Render<Routes>();

        Assert.Contains("account/login?returnUrl=notifications", navigation.Uri, StringComparison.Ordinal);
    }
}
