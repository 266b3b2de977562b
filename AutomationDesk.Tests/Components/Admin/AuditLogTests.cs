using AutomationDesk.Core.Auditing;
using AutomationDesk.Web.Components.Pages.Audit;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class AuditLogTests : RolePageTest
{
    private async Task RecordAsync(DateTimeOffset time, string actor, string action, string target)
    {
        await using var db = NewDb();
        db.AuditEvents.Add(new AuditEvent { Time = time, ActorKind = ActorKind.User, Actor = actor, Action = action, Target = target, DetailsJson = "{\"why\":\"test\"}" });
        await db.SaveChangesAsync();
    }

    private async Task<IRenderedComponent<AuditLog>> SeededPageAsync(int expected = 3)
    {
        await RecordAsync(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), "ada@desk.test", "secret.create", "secret:stripe");
        await RecordAsync(new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero), "bob@desk.test", "secret.delete", "secret:old");
        await RecordAsync(new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero), "ada@desk.test", "workflow.create", "workflow:1");
        var page = Render<AuditLog>();
        page.WaitForAssertion(() => Assert.Equal(expected, Rows(page, "audit-row").Count), Patience);
        return page;
    }

    [Fact]
    public async Task A_change_audited_elsewhere_appears_without_a_reload()
    {
        var page = await SeededPageAsync();

        await Services.GetRequiredService<global::AutomationDesk.Core.Security.SecretStore>()
            .SetAsync("live-secret", "s3cret", Actor.System, CancellationToken.None);

        page.WaitForAssertion(() => Assert.Contains(Rows(page, "audit-row"), r => r.TextContent.Contains("secret:live-secret", StringComparison.Ordinal)), Patience);
    }

    [Fact]
    public async Task The_actor_filter_keeps_that_persons_changes()
    {
        var page = await SeededPageAsync();

        InputOf(page, "actor-filter").Change("bob");

        page.WaitForAssertion(() => Assert.Contains("secret.delete", Assert.Single(Rows(page, "audit-row")).TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task The_action_filter_lists_the_recorded_actions_and_keeps_the_chosen_ones()
    {
        var page = await SeededPageAsync();
        var select = page.FindComponent<MudSelect<string>>();
        Assert.Equal(["secret.create", "secret.delete", "workflow.create"], select.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value));

        await page.InvokeAsync(() => select.Instance.SelectedValuesChanged.InvokeAsync(["secret.create", "secret.delete"]));

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "audit-row").Count), Patience);
        Assert.Equal("?action=secret.create&action=secret.delete", new Uri(Services.GetRequiredService<NavigationManager>().Uri).Query);
    }

    [Fact]
    public async Task Opening_an_address_with_filters_restores_them()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("audit?actor=ada&action=secret.create&action=workflow.create&page=1");

        var page = await SeededPageAsync(expected: 2);

        Assert.Equal("ada", InputOf(page, "actor-filter").GetAttribute("value"));
        Assert.Equal(["secret.create", "workflow.create"], page.FindComponent<MudSelect<string>>().Instance.GetState(x => x.SelectedValues)!.Order());
    }

    [Fact]
    public async Task Workflows_and_runs_are_named_and_linked_and_a_deleted_one_shows_its_id()
    {
        var store = Services.GetRequiredService<global::AutomationDesk.Core.Workflows.WorkflowStore>();
        var saved = await store.CreateAsync(AutomationDesk.Tests.Support.Definitions.Workflow("Nightly report", AutomationDesk.Tests.Support.Definitions.Transform("a", "x")).ToJsonString(), Actor.System, CancellationToken.None);
        var workflowId = saved["id"]!.GetValue<Guid>();
        var gone = Guid.CreateVersion7();
        await RecordAsync(DateTimeOffset.UtcNow, "ada@desk.test", "workflow.delete", $"workflow:{gone}");

        var page = Render<AuditLog>();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "audit-row").Count), Patience);
        var link = Assert.Single(page.FindAll("[data-testid=audit-target-link]"));
        Assert.Equal("Nightly report", link.TextContent);
        Assert.Equal($"workflows/{workflowId}", link.GetAttribute("href"));
        Assert.Contains(page.FindAll("[data-testid=audit-target]"), t => t.TextContent.Trim() == $"workflow:{gone}");
    }

    [Fact]
    public async Task The_target_filter_matches_part_of_the_target()
    {
        var page = await SeededPageAsync();

        InputOf(page, "target-filter").Change("stripe");

        page.WaitForAssertion(() => Assert.Contains("ada@desk.test", Assert.Single(Rows(page, "audit-row")).TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task A_time_range_of_whole_days_includes_its_last_day()
    {
        var page = await SeededPageAsync();

        await page.InvokeAsync(() => page.FindComponents<MudDatePicker>()[0].Instance.DateChanged.InvokeAsync(new DateTime(2026, 11, 2)));
        await page.InvokeAsync(() => page.FindComponents<MudDatePicker>()[1].Instance.DateChanged.InvokeAsync(new DateTime(2026, 11, 2)));

        page.WaitForAssertion(() => Assert.Contains("secret.delete", Assert.Single(Rows(page, "audit-row")).TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task A_range_that_ends_before_it_starts_is_refused_with_a_reason()
    {
        var page = await SeededPageAsync();

        await page.InvokeAsync(() => page.FindComponents<MudDatePicker>()[0].Instance.DateChanged.InvokeAsync(new DateTime(2026, 11, 3)));
        await page.InvokeAsync(() => page.FindComponents<MudDatePicker>()[1].Instance.DateChanged.InvokeAsync(new DateTime(2026, 11, 1)));

        page.WaitForAssertion(() => Assert.Contains("before it starts", page.Find("[data-testid=filter-error]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task A_long_log_pages()
    {
        for (var i = 0; i < AuditLog.PageSize + 3; i++)
        {
            await RecordAsync(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i), "ada@desk.test", "workflow.update", $"workflow:{i}");
        }
        var page = Render<AuditLog>();
        page.WaitForAssertion(() => Assert.Equal(AuditLog.PageSize, Rows(page, "audit-row").Count), Patience);

        await page.InvokeAsync(() => page.FindComponent<MudPagination>().Instance.SelectedChanged.InvokeAsync(2));

        page.WaitForAssertion(() => Assert.Equal(3, Rows(page, "audit-row").Count), Patience);
        Assert.Equal("51–53 of 53", page.Find("[data-testid=page-summary]").TextContent);
    }
}
