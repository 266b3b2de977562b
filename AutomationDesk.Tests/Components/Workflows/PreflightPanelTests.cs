using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Preflight;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>The editor's Preflight panel and Dry run button, and the run page's marks of a dry or failed run.</summary>
public sealed class PreflightPanelTests : DeskPageTest
{
    public PreflightPanelTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private IRenderedComponent<WorkflowEditor> RenderEditor()
    {
        Render<MudPopoverProvider>();
        var cut = Render<WorkflowEditor>(p => p.Add(c => c.Id, (Guid?)null));
        cut.Find("[data-testid=json-editor] textarea").Change(Drafts.Greeting("Draft"));
        return cut;
    }

    [Fact]
    public async Task Preflight_shows_each_finding_with_its_field_and_action_and_the_plan()
    {
        var cut = RenderEditor();
        var draft = JsonNode.Parse(Drafts.Greeting("Draft"))!.AsObject();
        draft["steps"]![0]!["config"]!["value"]!["who"] = "${trigger.body.who} in ${vars.region}";
        cut.Find("[data-testid=json-editor] textarea").Change(draft.ToJsonString());
        cut.Find("[data-testid=preflight-sample] textarea").Change("{\"who\": \"Ada\"}");

        await cut.Find("[data-testid=preflight-run]").ClickAsync(new());

        await cut.WaitForAssertionAsync(() => Assert.Equal("false", cut.Find("[data-testid=preflight-result]").GetAttribute("data-ok")));
        var finding = cut.Find("[data-testid=preflight-finding]");
        Assert.Equal(("error", "shape", "steps[0].config.value.who"),
            (finding.GetAttribute("data-severity"), finding.GetAttribute("data-step-id"), finding.GetAttribute("data-field")));
        Assert.Contains("Set `vars.region` in Admin › Settings", finding.TextContent);
        var plan = cut.FindAll("[data-testid=preflight-plan-step]");
        Assert.Equal(["shape", "check", "tell"], plan.Select(p => p.GetAttribute("data-step-id")));
        Assert.Equal(["yes", "yes", "unknown"], plan.Select(p => p.GetAttribute("data-runs")));
        Assert.Equal("true", plan[2].GetAttribute("data-side-effects"));
    }

    [Fact]
    public async Task A_sample_that_is_not_json_is_refused_at_the_field()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid=preflight-sample] textarea").Change("{nope");

        await cut.Find("[data-testid=preflight-run]").ClickAsync(new());

        Assert.Contains("Not valid JSON", cut.Find("[data-testid=preflight-sample]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=preflight-result]"));
    }

    [Fact]
    public async Task The_dry_run_button_runs_the_draft_as_a_dry_run_whose_notification_does_not_act()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid=test-sample] textarea").Change("{\"who\": \"Ada\"}");

        await cut.Find("[data-testid=dry-run]").ClickAsync(new());
        await RunQueuedAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(nameof(ExecutionStatus.Succeeded), cut.Find("[data-testid=test-result]").GetAttribute("data-status")));
        Assert.NotEmpty(cut.FindAll("[data-testid=test-result] [data-testid=dry-run-chip]"));
        Assert.Contains("wouldSend", cut.Find("[data-testid=test-step][data-step-id=tell]").TextContent);
        await using var db = NewDb();
        Assert.True(Assert.Single(await db.Executions.ToListAsync()).DryRun);
        Assert.Empty(await db.Notifications.ToListAsync());
    }

    [Fact]
    public async Task The_test_run_button_still_runs_for_real()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid=test-sample] textarea").Change("{\"who\": \"Ada\"}");

        await cut.Find("[data-testid=test-run]").ClickAsync(new());
        await RunQueuedAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(nameof(ExecutionStatus.Succeeded), cut.Find("[data-testid=test-result]").GetAttribute("data-status")));
        Assert.Empty(cut.FindAll("[data-testid=dry-run-chip]"));
        await using var db = NewDb();
        Assert.Single(await db.Notifications.ToListAsync());
    }

    [Fact]
    public void Recommended_actions_show_one_line_per_failed_step()
    {
        var cut = Render<RecommendedActionList>(p => p.Add(c => c.Actions, [new RecommendedAction("call", "Check the connection `crm`.")]));

        var line = cut.Find("[data-testid=recommended-action]");
        Assert.Equal("call", line.GetAttribute("data-step-id"));
        Assert.Contains("Check the connection `crm`.", line.TextContent);
        Assert.Empty(Render<RecommendedActionList>(p => p.Add(c => c.Actions, [])).FindAll("[data-testid=recommended-actions]"));
    }
}
