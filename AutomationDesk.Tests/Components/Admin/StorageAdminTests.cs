using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Web.Components.Pages;
using AutomationDesk.Web.Components.Pages.Admin;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class StorageAdminTests() : DeskPageTest(services => services.Configure<StorageOptions>(o => o.LowDiskWarningPercent = 100))
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private async Task<Guid> OldRunAsync()
    {
        var created = DateTimeOffset.UtcNow.AddDays(-40);
        var id = Guid.CreateVersion7(created);
        await using var db = NewDb();
        db.Executions.Add(new Execution
        {
            Id = id, WorkflowId = Guid.CreateVersion7(), WorkflowName = "old", WorkflowVersion = 1, Status = ExecutionStatus.Succeeded,
            CreatedAt = created, FinishedAt = created.AddMinutes(1), CorrelationId = id.ToString("N"),
        });
        db.ExecutionLogs.Add(new ExecutionLog { ExecutionId = id, Time = created, Message = "old log" });
        await db.SaveChangesAsync();
        return id;
    }

    [Fact]
    public async Task The_storage_page_shows_sizes_and_rows_and_prune_now_asks_first_then_shows_what_it_removed()
    {
        var old = await OldRunAsync();
        var page = Render<StorageAdmin>();
        page.WaitForAssertion(() => Assert.Contains("No prune yet", page.Find("[data-testid=last-prune]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains("Executions", page.Find("[data-testid=storage-rows]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.Find("[data-testid=database-size]").TextContent);

        await page.Find("[data-testid=prune-now]").ClickAsync(new());
        await using (var db = NewDb())
        {
            Assert.True(await db.Executions.AnyAsync(e => e.Id == old), "the prune ran before it was confirmed");
        }
        await page.Find("[data-testid=confirm-prune]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("1 runs (1 log rows)", page.Find("[data-testid=last-prune]").TextContent, StringComparison.Ordinal), Patience);
        await using (var db = NewDb())
        {
            Assert.False(await db.Executions.AnyAsync(e => e.Id == old));
        }
    }

    [Fact]
    public void The_dashboard_warns_when_the_disk_is_below_the_threshold_and_links_admins_to_storage()
    {
        var home = Render<Home>();

        home.WaitForAssertion(() => Assert.Contains("free", home.Find("[data-testid=low-disk-warning]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("admin/storage", home.Find("[data-testid=low-disk-warning] a").GetAttribute("href"));
    }
}
