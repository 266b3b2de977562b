using AutomationDesk.Core.Maintenance;
using AutomationDesk.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Admin;

/// <summary>The dashboard with a disk comfortably above its warning threshold (the low case is in <see cref="StorageAdminTests"/>).</summary>
public sealed class DashboardDiskSpaceTests() : DeskPageTest(services => services.Configure<StorageOptions>(o => o.LowDiskWarningPercent = 0))
{
    [Fact]
    public void The_dashboard_says_nothing_about_the_disk_while_there_is_room()
    {
        var home = Render<Home>();

        home.WaitForAssertion(() => Assert.NotEmpty(home.Markup), TimeSpan.FromSeconds(10));
        Assert.Empty(home.FindAll("[data-testid=low-disk-warning]"));
    }
}
