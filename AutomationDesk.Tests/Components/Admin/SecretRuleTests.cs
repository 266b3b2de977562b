using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Admin;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class SecretRuleTests : RolePageTest
{
    [Fact]
    public async Task A_secret_under_8_characters_is_refused_on_the_page_with_the_rule()
    {
        var page = Render<SecretAdmin>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);

        InputOf(page, "secret-name").Change("smtp");
        InputOf(page, "secret-value").Change("short");
        await page.Find("[data-testid=save-secret]").ClickAsync(new());

        Assert.Contains("at least 8 characters", page.Find("[data-testid=secret-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(await Services.GetRequiredService<SecretStore>().ListAsync(CancellationToken.None));
    }
}
