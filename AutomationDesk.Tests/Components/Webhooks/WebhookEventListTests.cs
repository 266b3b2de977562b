using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Components.Admin;
using AutomationDesk.Web.Components;
using AutomationDesk.Web.Components.Pages.Webhooks;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Webhooks;

public sealed class WebhookEventListTests : RolePageTest
{
    [Fact]
    public void A_desk_without_requests_says_how_to_send_one()
    {
        SignInAs(DeskRoles.Viewer);

        var page = Render<WebhookEventList>();

        page.WaitForAssertion(() => Assert.Contains("No webhook requests yet", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains("curl -X POST", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_request_shows_its_workflow_status_reason_and_the_run_it_started()
    {
        SignInAs(DeskRoles.Viewer);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Greet by webhook");
        var accepted = await PostWebhookAsync(workflowId, token, """{"name":"Ada"}""");
        var refused = await PostWebhookAsync(workflowId, "not-the-token", "{}");

        var page = Render<WebhookEventList>();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "webhook-event-row").Count), Patience);
        var acceptedRow = page.Find($"[data-testid=webhook-event-row][data-event-id='{accepted.EventId}']");
        Assert.Contains("Greet by webhook", acceptedRow.TextContent, StringComparison.Ordinal);
        Assert.Equal("accepted", acceptedRow.QuerySelector("[data-testid=webhook-status]")!.GetAttribute("data-status"));
        Assert.Contains("202", acceptedRow.TextContent, StringComparison.Ordinal);
        Assert.Equal($"executions/{accepted.ExecutionId}", acceptedRow.QuerySelector("[data-testid=event-run-link]")!.GetAttribute("href"));
        var refusedRow = page.Find($"[data-testid=webhook-event-row][data-event-id='{refused.EventId}']");
        Assert.Contains("401", refusedRow.TextContent, StringComparison.Ordinal);
        Assert.Contains("not this workflow's webhook token", refusedRow.TextContent, StringComparison.Ordinal);
        Assert.Null(refusedRow.QuerySelector("[data-testid=event-run-link]"));
    }

    [Fact]
    public async Task Status_and_search_narrow_the_list_on_the_server()
    {
        SignInAs(DeskRoles.Viewer);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Filtered hook");
        await PostWebhookAsync(workflowId, token, """{"name":"Ada"}""");
        await PostWebhookAsync(workflowId, token, """{"name":"Grace"}""");
        var refused = await PostWebhookAsync(workflowId, "wrong", """{"name":"Mallory"}""");
        var page = Render<WebhookEventList>();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page, "webhook-event-row").Count), Patience);

        await page.InvokeAsync(() => page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Status").Instance.ValueChanged.InvokeAsync("refused"));

        page.WaitForAssertion(() => Assert.Equal(refused.EventId.ToString(), Assert.Single(Rows(page, "webhook-event-row")).GetAttribute("data-event-id")), Patience);

        await page.InvokeAsync(() => page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Status").Instance.ValueChanged.InvokeAsync(null));
        InputOf(page, "filter-search").Input("Grace");

        page.WaitForAssertion(() => Assert.Equal("accepted", Assert.Single(Rows(page, "webhook-event-row")).GetAttribute("data-status")), Patience);
    }

    [Fact]
    public async Task A_request_stored_while_the_page_is_open_appears_without_a_reload()
    {
        SignInAs(DeskRoles.Viewer);
        var (workflowId, _) = await SaveWebhookWorkflowAsync("Live hook");
        var page = Render<WebhookEventList>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);

        // A refused request starts no run, so only the webhook feed can bring it to the page.
        var outcome = await PostWebhookAsync(workflowId, "wrong-token", """{"name":"Live"}""");

        page.WaitForAssertion(() => Assert.Equal(outcome.EventId.ToString(), Assert.Single(Rows(page, "webhook-event-row")).GetAttribute("data-event-id")), Patience);
        Assert.Equal("refused", Rows(page, "webhook-event-row")[0].GetAttribute("data-status"));
    }

    [Fact]
    public async Task The_editor_s_link_opens_the_list_filtered_to_its_workflow()
    {
        SignInAs(DeskRoles.Viewer);
        var (shown, shownToken) = await SaveWebhookWorkflowAsync("Linked hook");
        var (other, otherToken) = await SaveWebhookWorkflowAsync("Other hook");
        var expected = await PostWebhookAsync(shown, shownToken, """{"name":"Shown"}""");
        await PostWebhookAsync(other, otherToken, """{"name":"Hidden"}""");
        Services.GetRequiredService<NavigationManager>().NavigateTo($"webhook-events?workflowId={shown}");

        var page = Render<WebhookEventList>();

        page.WaitForAssertion(() => Assert.Equal(expected.EventId.ToString(), Assert.Single(Rows(page, "webhook-event-row")).GetAttribute("data-event-id")), Patience);
    }

    [Fact]
    public async Task The_detail_shows_the_request_as_it_came()
    {
        SignInAs(DeskRoles.Viewer);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Detailed hook");
        var outcome = await PostWebhookAsync(workflowId, token, """{"name":"Ada","tags":["x"]}""", headers: new Dictionary<string, string> { ["x-delivery"] = "d-42" });

        var page = Render<WebhookEventPage>(p => p.Add(c => c.Id, outcome.EventId));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=webhook-event]")), Patience);
        Assert.Contains("x-delivery", page.Find("[data-testid=event-headers]").TextContent, StringComparison.Ordinal);
        Assert.Contains("d-42", page.Find("[data-testid=event-headers]").TextContent, StringComparison.Ordinal);
        Assert.Contains("test", page.Find("[data-testid=event-query]").TextContent, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"Ada\"", page.Find("[data-testid=event-body]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Detailed hook", page.Markup, StringComparison.Ordinal);
        Assert.Equal($"executions/{outcome.ExecutionId}", page.Find("[data-testid=event-run-link]").GetAttribute("href"));
    }

    [Fact]
    public async Task An_editor_replays_a_request_and_the_new_run_succeeds()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Replayed hook");
        var outcome = await PostWebhookAsync(workflowId, token, """{"name":"Again"}""");
        var page = Render<WebhookEventPage>(p => p.Add(c => c.Id, outcome.EventId));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=replay]")), Patience);

        await page.Find("[data-testid=replay]").ClickAsync(new());

        var link = page.WaitForElement("[data-testid=replay-run-link]", Patience);
        var runId = Guid.Parse(link.GetAttribute("href")!["executions/".Length..]);
        Assert.NotEqual(outcome.ExecutionId, runId);
        await RunQueuedAsync();
        await using var db = NewDb();
        var run = await db.Executions.AsNoTracking().SingleAsync(e => e.Id == runId);
        Assert.Equal((workflowId, ExecutionStatus.Succeeded), (run.WorkflowId, run.Status));
        Assert.Contains("Hello Again", (await db.StepRuns.AsNoTracking().SingleAsync(s => s.ExecutionId == runId)).OutputJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_whose_body_was_not_kept_says_so_and_its_replay_is_refused_with_the_reason()
    {
        SignInAs(DeskRoles.Editor);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Too big hook");
        var outcome = await PostWebhookAsync(workflowId, token, "", bodyBytes: WorkflowWebhookReceiver.DefaultMaxBodyBytes + 1);
        var page = Render<WebhookEventPage>(p => p.Add(c => c.Id, outcome.EventId));
        page.WaitForAssertion(() => Assert.Contains("over the limit", page.Find("[data-testid=event-body-missing]").TextContent, StringComparison.Ordinal), Patience);

        await page.Find("[data-testid=replay]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("body was over the limit", page.Find("[data-testid=replay-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=replay-run-link]"));
    }

    [Fact]
    public async Task A_viewer_reads_a_request_but_has_no_replay()
    {
        SignInAs(DeskRoles.Viewer);
        var (workflowId, token) = await SaveWebhookWorkflowAsync("Viewed hook");
        var outcome = await PostWebhookAsync(workflowId, token, """{"name":"Ada"}""");

        var page = Render<WebhookEventPage>(p => p.Add(c => c.Id, outcome.EventId));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=event-body]")), Patience);
        Assert.Empty(page.FindAll("[data-testid=replay]"));
    }

    [Fact]
    public void A_viewer_opens_the_page_from_the_menu()
    {
        SignInAs(DeskRoles.Viewer);
        Services.GetRequiredService<NavigationManager>().NavigateTo("webhook-events");

        var routes = Render<Routes>();

        routes.WaitForAssertion(() => Assert.NotNull(routes.Find("[data-testid=filter-search]")), Patience);
        Assert.Contains(routes.FindAll("a"), a => a.GetAttribute("href") == "webhook-events");
    }
}
