using AutomationDesk.Core.Auditing;
using AutomationDesk.Web.Components.Pages.Audit;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class AuditLogTests : RolePageTest
{
    private async Task RecordAsync(DateTimeOffset time, string actor, string action, string target)
    {
        await using var db = NewDb();
        db.AuditEvents.Add(new AuditEvent { Time = time, ActorKind = ActorKind.User, Actor = actor, Action = action, Target = target, DetailsJson = "{\"why\":\"test\"}" });
        await db.SaveChangesAsync();
    }

    private async Task<IRenderedComponent<AuditLog>> SeededPageAsync()
    {
        await RecordAsync(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), "ada@desk.test", "secret.create", "secret:stripe");
        await RecordAsync(new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero), "bob@desk.test", "secret.delete", "secret:old");
        await RecordAsync(new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero), "ada@desk.test", "workflow.create", "workflow:1");
        var page = Render<AuditLog>();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page, "audit-row").Count), Patience);
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
    public async Task An_action_prefix_finds_every_action_of_that_kind()
    {
        var page = await SeededPageAsync();

        InputOf(page, "action-filter").Change("secret.");

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "audit-row").Count), Patience);
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
