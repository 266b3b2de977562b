using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Components.Admin;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Components;
using AutomationDesk.Web.Components.Pages.Inbox;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Inbox;

public sealed class InboxPageTests : RolePageTest
{
    private InboxStore Inbox => Services.GetRequiredService<InboxStore>();

    [Fact]
    public void A_fresh_desk_says_what_to_do_in_each_part()
    {
        SignInAs(DeskRoles.Admin);

        var page = Render<InboxPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=empty-state]").Count), Patience);
        Assert.Contains("Add source", page.Markup, StringComparison.Ordinal);
        Assert.Contains("No events received", string.Join("|", page.FindAll("[data-testid=empty-state]").Select(e => e.TextContent)), StringComparison.Ordinal);
        Assert.True(page.Find("[data-testid=add-rule]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task An_admin_adds_a_github_source_and_sees_its_receiver_url_but_never_its_secret()
    {
        SignInAs(DeskRoles.Admin);
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=empty-state]")), Patience);

        await page.Find("[data-testid=add-source]").ClickAsync(new());
        InputOf(page, "source-name").Change("github-main");
        await page.InvokeAsync(() => Select<string>(page, "Preset").ValueChanged.InvokeAsync("github"));
        InputOf(page, "source-secret").Change("gh-very-secret");
        await page.Find("[data-testid=save-source]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("github-main", Assert.Single(Rows(page, "source-row")).GetAttribute("data-name")), Patience);
        var row = Rows(page, "source-row")[0];
        Assert.Contains("/api/webhooks/inbox/github-main", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("header X-GitHub-Event", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull(row.QuerySelector("[data-testid=copy-button]"));
        Assert.Empty(page.FindAll("[data-testid=source-editor]"));
        Assert.DoesNotContain("gh-very-secret", page.Markup, StringComparison.Ordinal);
        var saved = await Inbox.GetSourceAsync("github-main", CancellationToken.None);
        Assert.Equal(("github", "X-Hub-Signature-256", true), (saved!.Preset, saved.SignatureHeader, saved.SecretSet));

        await page.Find("[data-testid=edit-source]").ClickAsync(new());
        Assert.DoesNotContain("gh-very-secret", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_source_name_is_refused_with_the_field_named()
    {
        SignInAs(DeskRoles.Admin);
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=empty-state]")), Patience);

        await page.Find("[data-testid=add-source]").ClickAsync(new());
        InputOf(page, "source-name").Change("Not Valid");
        await page.Find("[data-testid=save-source]").ClickAsync(new());

        Assert.StartsWith("name:", page.Find("[data-testid=source-error]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(await Inbox.ListSourcesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_admin_routes_a_source_to_a_workflow_with_a_template_condition()
    {
        SignInAs(DeskRoles.Admin);
        await Inbox.CreateSourceAsync(new InboxSourceInput("n8n-flows", "n8n"), Actor.System, CancellationToken.None);
        var workflow = await SaveWorkflowAsync("Handle n8n order");
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "source-row")), Patience);

        await page.Find("[data-testid=add-rule]").ClickAsync(new());
        InputOf(page, "rule-event-type").Change("order.created");
        await page.InvokeAsync(() => Select<Guid?>(page, "Workflow").ValueChanged.InvokeAsync(workflow));
        page.Find("textarea[data-testid=rule-condition]").Change("${trigger.body.data.paid}");
        await page.Find("[data-testid=save-rule]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(Rows(page, "rule-row")), Patience);
        var row = Rows(page, "rule-row")[0];
        Assert.Contains("order.created", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("${trigger.body.data.paid}", row.TextContent, StringComparison.Ordinal);
        Assert.Equal($"workflows/{workflow}", row.QuerySelector("[data-testid=rule-workflow-link]")!.GetAttribute("href"));
        var rule = Assert.Single(await Inbox.ListRulesAsync("n8n-flows", CancellationToken.None));
        Assert.Equal("${trigger.body.data.paid}", rule.Condition!.GetValue<string>());
    }

    [Fact]
    public async Task A_rule_with_a_malformed_condition_is_refused_with_the_field_named()
    {
        SignInAs(DeskRoles.Admin);
        await Inbox.CreateSourceAsync(new InboxSourceInput("custom-one"), Actor.System, CancellationToken.None);
        var workflow = await SaveWorkflowAsync("Never routed");
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "source-row")), Patience);

        await page.Find("[data-testid=add-rule]").ClickAsync(new());
        await page.InvokeAsync(() => Select<Guid?>(page, "Workflow").ValueChanged.InvokeAsync(workflow));
        page.Find("textarea[data-testid=rule-condition]").Change("{ \"left\": \"${trigger.body.a}\", \"operator\": \"near\", \"right\": 1 }");
        await page.Find("[data-testid=save-rule]").ClickAsync(new());

        Assert.Contains("condition.operator:", page.Find("[data-testid=rule-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(await Inbox.ListRulesAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task A_viewer_reads_sources_and_rules_but_cannot_change_them()
    {
        SignInAs(DeskRoles.Viewer);
        await Inbox.CreateSourceAsync(new InboxSourceInput("read-only"), Actor.System, CancellationToken.None);
        await Inbox.CreateRuleAsync(new InboxRuleInput("read-only", "*", null, await SaveWorkflowAsync("Viewed")), Actor.System, CancellationToken.None);

        var page = Render<InboxPage>();

        page.WaitForAssertion(() => Assert.Single(Rows(page, "rule-row")), Patience);
        Assert.Single(Rows(page, "source-row"));
        foreach (var action in new[] { "add-source", "add-rule", "edit-source", "delete-source", "edit-rule", "delete-rule" })
        {
            Assert.Empty(page.FindAll($"[data-testid={action}]"));
        }
    }

    [Fact]
    public async Task Deleting_a_source_asks_first_and_takes_its_rules_with_it()
    {
        SignInAs(DeskRoles.Admin);
        await Inbox.CreateSourceAsync(new InboxSourceInput("short-lived"), Actor.System, CancellationToken.None);
        await Inbox.CreateRuleAsync(new InboxRuleInput("short-lived", "*", null, await SaveWorkflowAsync("Routed once")), Actor.System, CancellationToken.None);
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "rule-row")), Patience);

        await page.Find("[data-testid=delete-source]").ClickAsync(new());
        Assert.Single(await Inbox.ListSourcesAsync(CancellationToken.None));
        await page.Find("[data-testid=confirm-delete-source]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(Rows(page, "source-row")), Patience);
        Assert.Empty(Rows(page, "rule-row"));
        Assert.Empty(await Inbox.ListRulesAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task A_source_added_elsewhere_appears_without_a_reload()
    {
        SignInAs(DeskRoles.Viewer);
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=empty-state]")), Patience);

        await Inbox.CreateSourceAsync(new InboxSourceInput("from-the-api", "github"), Actor.System, CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal("from-the-api", Assert.Single(Rows(page, "source-row")).GetAttribute("data-name")), Patience);
    }

    [Fact]
    public async Task Events_show_their_runs_and_new_ones_appear_live_and_search_narrows_them()
    {
        SignInAs(DeskRoles.Viewer);
        var workflow = await SaveWorkflowAsync("Started by GitHub");
        var run = Guid.CreateVersion7();
        await AddEventAsync("github-main", "push", [run]);
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.Single(Rows(page, "event-row")), Patience);
        Assert.Equal($"executions/{run}", page.Find("[data-testid=event-run-link]").GetAttribute("href"));

        await AddEventAsync("n8n-flows", "order.created", []);
        await Services.GetRequiredService<ExecutionLauncher>().StartAsync(workflow, new RunRequest("inbox", []), Actor.System, CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "event-row").Count), Patience);
        InputOf(page, "inbox-search").Input("order");
        page.WaitForAssertion(() => Assert.Contains("order.created", Assert.Single(Rows(page, "event-row")).TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public void A_viewer_opens_the_inbox_from_its_address()
    {
        SignInAs(DeskRoles.Viewer);
        Services.GetRequiredService<NavigationManager>().NavigateTo("inbox");

        var routes = Render<Routes>();

        routes.WaitForAssertion(() => Assert.NotNull(routes.Find("[data-testid=inbox-search]")), Patience);
        Assert.Empty(routes.FindAll("[data-testid=access-denied]"));
        Assert.Contains(routes.FindAll("a"), a => a.GetAttribute("href") == "inbox");
    }

    private static MudSelect<T> Select<T>(IRenderedComponent<InboxPage> page, string label) =>
        page.FindComponents<MudSelect<T>>().Single(s => s.Instance.Label == label).Instance;

    private async Task<Guid> SaveWorkflowAsync(string name)
    {
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(
            Definitions.Workflow(name, Definitions.Transform("x", "x")).ToJsonString(), Actor.System, CancellationToken.None);
        return saved["id"]!.GetValue<Guid>();
    }

    private async Task AddEventAsync(string source, string eventType, List<Guid> runs)
    {
        await using var db = NewDb();
        db.WebhookEvents.Add(new WebhookEvent
        {
            Id = Guid.CreateVersion7(), ReceivedAt = DateTimeOffset.UtcNow, InboxSource = source, EventType = eventType, StatusCode = 202, ExecutionIds = runs,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_github_source_deduplicates_by_x_github_delivery_and_the_editor_saves_another_delivery_id_setting()
    {
        SignInAs(DeskRoles.Admin);
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=empty-state]")), Patience);
        await page.Find("[data-testid=add-source]").ClickAsync(new());
        InputOf(page, "source-name").Change("orders-hook");

        await page.InvokeAsync(() => Select<string>(page, "Preset").ValueChanged.InvokeAsync("github"));
        var presetHeader = InputOf(page, "source-dedup-header").GetAttribute("value");
        InputOf(page, "source-dedup-header").Change("");
        InputOf(page, "source-dedup-path").Change("delivery.id");
        await page.Find("[data-testid=save-source]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(Rows(page, "source-row")), Patience);
        Assert.Equal("X-GitHub-Delivery", presetHeader);
        var saved = await Inbox.GetSourceAsync("orders-hook", CancellationToken.None);
        Assert.Equal((null, "delivery.id"), (saved!.DedupHeader, saved.DedupPath));
    }
}
