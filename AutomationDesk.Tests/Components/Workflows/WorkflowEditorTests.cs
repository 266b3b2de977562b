using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class WorkflowEditorTests : DeskPageTest
{
    public WorkflowEditorTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private WorkflowStore Store => Services.GetRequiredService<WorkflowStore>();

    [Fact]
    public void A_missing_required_field_shows_core_s_error_beside_it_before_saving()
    {
        var cut = RenderEditor();

        cut.Find("[data-testid='add-step-notification.send']").Click();
        cut.Find("[data-testid=save-workflow]").Click();

        Assert.Contains("Required.", cut.Find("div[data-field='steps[0].config.title']").TextContent);
        Assert.Contains("Required.", cut.Find("div[data-field='name']").TextContent);
        cut.Find("div[data-field='steps[0].config.title'] input").Input("Hello");
        Assert.DoesNotContain("Required.", cut.Find("div[data-field='steps[0].config.title']").TextContent);
    }

    [Fact]
    public void A_template_naming_a_later_step_is_refused_at_the_field()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid='add-step-notification.send']").Click();
        cut.Find("[data-testid='add-step-transform']").Click();

        cut.Find("div[data-field='steps[0].config.title'] input").Input("${steps.transform.output}");

        cut.WaitForAssertion(() => Assert.Contains("move this step below 'transform'", cut.Find("div[data-field='steps[0].config.title']").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void What_the_form_changes_shows_in_the_json_tab()
    {
        var cut = RenderEditor();

        cut.Find("div[data-field='name'] input").Input("From the form");
        cut.Find("[data-testid='add-step-delay']").Click();

        var json = JsonNode.Parse(cut.Find("[data-testid=json-editor] textarea").GetAttribute("value") ?? cut.Find("[data-testid=json-editor] textarea").TextContent)!;
        Assert.Equal("From the form", json["name"]!.GetValue<string>());
        Assert.Equal("delay", json["steps"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Json_edited_in_the_json_tab_fills_the_form()
    {
        var cut = RenderEditor();

        cut.Find("[data-testid=json-editor] textarea").Change(Drafts.Greeting("From JSON"));

        Assert.Equal("From JSON", cut.Find("div[data-field='name'] input").GetAttribute("value"));
        Assert.Equal(["shape", "check", "tell"], cut.FindAll("[data-testid=step-card]").Select(c => c.GetAttribute("data-step-id")));
        Assert.Empty(cut.FindAll("[data-testid=validation-summary]"));
    }

    [Fact]
    public void Bad_json_shows_the_parse_error_and_leaves_the_form_as_it_was()
    {
        var cut = RenderEditor();
        cut.Find("div[data-field='name'] input").Input("Kept");

        cut.Find("[data-testid=json-editor] textarea").Change("{ \"name\": ");

        cut.WaitForAssertion(() => Assert.Contains("Line 1", cut.Find("[data-testid=json-editor]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("Kept", cut.Find("div[data-field='name'] input").GetAttribute("value"));
    }

    [Fact]
    public void A_schedule_trigger_shows_its_fields_and_a_bad_time_zone_is_named_there()
    {
        var cut = RenderEditor();
        var definition = JsonNode.Parse(Drafts.Greeting("Every morning"))!;
        definition["trigger"] = JsonNode.Parse("""{ "type": "schedule", "schedule": { "cron": "0 9 * * 1-5", "timezone": "Mars/Olympus" } }""");

        cut.Find("[data-testid=json-editor] textarea").Change(definition.ToJsonString());

        Assert.Equal("0 9 * * 1-5", cut.Find("div[data-field='trigger.schedule.cron'] input").GetAttribute("value"));
        Assert.Contains("Unknown time zone", cut.Find("div[data-field='trigger.schedule.timezone']").TextContent);
    }

    [Fact]
    public void Steps_are_added_duplicated_reordered_and_deleted()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid='add-step-transform']").Click();
        cut.Find("[data-testid='add-step-condition']").Click();

        cut.FindAll("[data-testid=step-duplicate]")[0].Click();
        Assert.Equal(["transform", "transform_2", "condition"], StepIds(cut));

        cut.FindAll("[data-testid=step-down]")[0].Click();
        Assert.Equal(["transform_2", "transform", "condition"], StepIds(cut));

        cut.FindAll("[data-testid=step-up]")[2].Click();
        Assert.Equal(["transform_2", "condition", "transform"], StepIds(cut));

        cut.FindAll("[data-testid=step-delete]")[0].Click();
        Assert.Equal(["condition", "transform"], StepIds(cut));
    }

    [Fact]
    public async Task Saving_a_new_workflow_stores_it_as_version_one()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid=json-editor] textarea").Change(Drafts.Greeting("Saved from the editor"));

        await cut.Find("[data-testid=save-workflow]").ClickAsync(new());

        await using var db = NewDb();
        var workflow = await db.Workflows.SingleAsync();
        Assert.Equal("Saved from the editor", workflow.Name);
        Assert.Equal(1, await db.WorkflowVersions.CountAsync(v => v.WorkflowId == workflow.Id));
    }

    [Fact]
    public async Task Saving_a_change_adds_a_version()
    {
        var created = await Store.CreateAsync(Drafts.Greeting("First"), Actor.System, CancellationToken.None);
        var id = created["id"]!.GetValue<Guid>();
        var cut = RenderEditor(id);

        cut.Find("div[data-field='name'] input").Input("Second");
        await cut.Find("[data-testid=save-workflow]").ClickAsync(new());

        await cut.WaitForAssertionAsync(() => Assert.Equal("v2", cut.Find("[data-testid=workflow-version]").TextContent));
        await using var db = NewDb();
        Assert.Equal(2, await db.WorkflowVersions.CountAsync(v => v.WorkflowId == id));
        Assert.Equal("Second", (await db.Workflows.SingleAsync()).Name);
    }

    [Fact]
    public async Task History_shows_a_diff_and_restore_brings_an_old_version_back_as_a_new_one()
    {
        var created = await Store.CreateAsync(Drafts.Greeting("Old name"), Actor.System, CancellationToken.None);
        var id = created["id"]!.GetValue<Guid>();
        await Store.UpdateAsync(id, Drafts.Greeting("New name"), Actor.System, CancellationToken.None);
        var cut = RenderEditor(id);

        var changed = cut.FindAll("[data-testid=version-diff] tr[data-kind=Changed]");
        Assert.Contains(changed, row => row.TextContent.Contains("Old name", StringComparison.Ordinal) && row.TextContent.Contains("New name", StringComparison.Ordinal));

        cut.Find("tr[data-version='1'] [data-testid=restore-version]").Click();

        await cut.WaitForAssertionAsync(() => Assert.Equal("Old name", cut.Find("div[data-field='name'] input").GetAttribute("value")));
        await using var db = NewDb();
        var workflow = await db.Workflows.SingleAsync();
        Assert.Equal(3, workflow.Version);
        Assert.Equal("Old name", workflow.Name);
    }

    [Fact]
    public async Task A_viewer_sees_the_workflow_but_no_save_button()
    {
        var created = await Store.CreateAsync(Drafts.Greeting("Read only"), Actor.System, CancellationToken.None);
        Auth.SetRoles("Viewer");
        Auth.SetPolicies(DeskPolicies.Read);

        var cut = RenderEditor(created["id"]!.GetValue<Guid>());

        Assert.Equal("Read only", cut.Find("div[data-field='name'] input").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=save-workflow]"));
        Assert.Empty(cut.FindAll("[data-testid=test-run]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=read-only]"));
    }

    [Fact]
    public async Task A_test_run_of_the_unsaved_draft_shows_each_step_live()
    {
        var cut = RenderEditor();
        cut.Find("[data-testid=json-editor] textarea").Change(Drafts.Greeting("Draft"));
        cut.Find("[data-testid=test-sample] textarea").Change("{\"who\": \"Ada\"}");

        await cut.Find("[data-testid=test-run]").ClickAsync(new());
        Assert.Equal(nameof(ExecutionStatus.Queued), cut.Find("[data-testid=test-result]").GetAttribute("data-status"));
        await RunQueuedAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(nameof(ExecutionStatus.Succeeded), cut.Find("[data-testid=test-result]").GetAttribute("data-status")));
        Assert.Equal(nameof(StepStatus.Succeeded), cut.Find("[data-testid=test-step][data-step-id=tell]").GetAttribute("data-status"));
        Assert.Contains("Ada", cut.Find("[data-testid=test-step][data-step-id=shape]").TextContent);
        await using var db = NewDb();
        Assert.Empty(await db.Workflows.ToListAsync());
    }

    [Fact]
    public void A_test_run_of_a_draft_with_problems_is_refused_with_the_count()
    {
        var cut = RenderEditor();

        cut.Find("[data-testid=test-run]").Click();

        Assert.Contains("fix them to test it", cut.Find("[data-testid=test-run-panel]").TextContent);
    }

    [Fact]
    public void The_line_diff_pairs_changed_lines_and_keeps_the_rest()
    {
        var rows = LineDiff.Compare("a\nb\nc\nd", "a\nB\nc\nd\ne");

        Assert.Equal([DiffKind.Same, DiffKind.Changed, DiffKind.Same, DiffKind.Same, DiffKind.Added], rows.Select(r => r.Kind));
        Assert.Equal(("b", "B"), (rows[1].Left, rows[1].Right));
    }

    private IRenderedComponent<WorkflowEditor> RenderEditor(Guid? id = null)
    {
        Render<MudPopoverProvider>();
        return Render<WorkflowEditor>(p => p.Add(c => c.Id, id));
    }

    private static List<string?> StepIds(IRenderedComponent<WorkflowEditor> cut) =>
        cut.FindAll("[data-testid=step-card]").Select(c => c.GetAttribute("data-step-id")).ToList();
}
