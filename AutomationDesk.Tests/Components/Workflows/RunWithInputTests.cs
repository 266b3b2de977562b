using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Components.Shared;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>
/// Run with input: the dialog's body starts from the last run, the test sample or <c>{}</c>; invalid JSON stops it;
/// a run starts through the launcher with that body and the page moves to it. Opened from the list, the editor and a run.
/// </summary>
public sealed class RunWithInputTests : RunsPageTest
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;
    private IRenderedComponent<MudSnackbarProvider> _toasts = null!;

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private Task<Guid> SaveGreeterAsync(string name = "Greeter") =>
        SaveWorkflowAsync(name, """[ { "id": "greet", "type": "transform", "config": { "value": "Hello ${trigger.body.name}" } } ]""");

    private Task<ExecutionSummary> StartWithBodyAsync(Guid workflowId, JsonObject body) =>
        Services.GetRequiredService<ExecutionLauncher>().StartAsync(workflowId, new RunRequest(TriggerTypes.Manual, new JsonObject { ["body"] = body }),
            Actor.System, CancellationToken.None);

    private string OpenFor(Guid workflowId, JsonNode? body = null)
    {
        Providers();
        var button = Render<RunWithInputButton>(p => p.Add(b => b.WorkflowId, workflowId).Add(b => b.WorkflowName, "Greeter").Add(b => b.Body, body));
        button.Find("[data-testid=run-workflow]").Click();
        return BodyText();
    }

    private void Providers()
    {
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        _toasts = Render<MudSnackbarProvider>();
    }

    /// <summary>Clicks the "Open" action of the one toast whose text holds <paramref name="text"/>.</summary>
    private async Task OpenToastAsync(string text)
    {
        AngleSharp.Dom.IElement? toast = null;
        _toasts.WaitForAssertion(() => toast = Assert.Single(_toasts.FindAll(".mud-snackbar"), t => t.TextContent.Contains(text, StringComparison.Ordinal)));
        var action = toast!.QuerySelector(".mud-snackbar-action-button")!;
        Assert.Equal(LinkToasts.OpenAction, action.TextContent.Trim());
        await action.ClickAsync(new());
    }

    private string BodyText() => _dialogs.WaitForElement("[data-testid=run-input] textarea").GetAttribute("value") ?? "";

    private string Source() => _dialogs.Find("[data-testid=run-input-source]").TextContent;

    private bool RunDisabled() => _dialogs.Find("[data-testid=run-start]").HasAttribute("disabled");

    private async Task<Execution> SingleRunAsync(Guid workflowId, Guid? except = null)
    {
        await using var db = NewDb();
        return await db.Executions.AsNoTracking().SingleAsync(e => e.WorkflowId == workflowId && e.Id != except);
    }

    [Fact]
    public async Task The_body_starts_as_the_input_of_the_workflows_last_run()
    {
        var workflow = await SaveGreeterAsync();
        await StartWithBodyAsync(workflow, new JsonObject { ["name"] = "Old" });
        await StartWithBodyAsync(workflow, new JsonObject { ["name"] = "Ada" });

        var text = OpenFor(workflow);

        Assert.Equal("Ada", JsonNode.Parse(text)!["name"]!.GetValue<string>());
        Assert.Contains("last run", Source(), StringComparison.Ordinal);
        Assert.False(RunDisabled());
    }

    [Fact]
    public async Task Without_a_run_the_body_starts_as_the_last_test_sample()
    {
        var workflow = await SaveGreeterAsync();
        var definition = Services.GetRequiredService<WorkflowDefinitionReader>().Read(
            """{ "name": "Greeter", "trigger": { "type": "manual" }, "steps": [ { "id": "greet", "type": "transform", "config": { "value": 1 } } ] }""");
        await Services.GetRequiredService<ExecutionLauncher>().StartTestAsync(definition, workflow, new JsonObject { ["body"] = new JsonObject { ["name"] = "Sample" } },
            Actor.System, CancellationToken.None);

        var text = OpenFor(workflow);

        Assert.Equal("Sample", JsonNode.Parse(text)!["name"]!.GetValue<string>());
        Assert.Contains("test run", Source(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workflow_never_run_starts_from_an_empty_object()
    {
        var workflow = await SaveGreeterAsync();

        var text = OpenFor(workflow);

        Assert.Empty(JsonNode.Parse(text)!.AsObject());
        Assert.Contains("No run has had an input yet", Source(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"name\": ", "Not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    public async Task A_body_that_is_not_a_json_object_is_named_and_cannot_be_run(string text, string error)
    {
        var workflow = await SaveGreeterAsync();
        OpenFor(workflow);

        _dialogs.Find("[data-testid=run-input] textarea").Input(text);

        Assert.Contains(error, _dialogs.Find("[data-testid=run-input-error]").TextContent, StringComparison.Ordinal);
        Assert.True(RunDisabled());
        await using var db = NewDb();
        Assert.Equal(0, await db.Executions.CountAsync());
    }

    [Fact]
    public async Task Run_starts_the_workflow_with_the_body_and_opens_the_new_run()
    {
        var workflow = await SaveGreeterAsync();
        OpenFor(workflow);

        _dialogs.Find("[data-testid=run-input] textarea").Input("""{ "name": "Grace" }""");
        await _dialogs.Find("[data-testid=run-start]").ClickAsync(new());

        var run = await SingleRunAsync(workflow);
        Assert.EndsWith($"/executions/{run.Id}", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(TriggerTypes.Manual, run.TriggerKind);
        Assert.False(run.DryRun);
        await RunQueuedAsync();
        await using var db = NewDb();
        Assert.Equal("\"Hello Grace\"", db.StepRuns.Single(s => s.ExecutionId == run.Id).OutputJson);
        var toast = Assert.Single(Services.GetRequiredService<ISnackbar>().ShownSnackbars);
        Assert.Contains("Greeter", toast.Message, StringComparison.Ordinal);
        Assert.Empty(_dialogs.FindAll("[data-testid=run-with-input-dialog]"));
    }

    [Fact]
    public async Task The_run_started_toast_opens_the_run()
    {
        var workflow = await SaveGreeterAsync();
        OpenFor(workflow);
        await _dialogs.Find("[data-testid=run-start]").ClickAsync(new());
        var run = await SingleRunAsync(workflow);
        Navigation.NavigateTo("workflows");

        await OpenToastAsync("started");

        Assert.EndsWith($"/executions/{run.Id}", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_can_be_asked_for_in_the_dialog()
    {
        var workflow = await SaveGreeterAsync();
        OpenFor(workflow);

        _dialogs.Find("[data-testid=run-dry] input").Change(true);
        await _dialogs.Find("[data-testid=run-start]").ClickAsync(new());

        Assert.True((await SingleRunAsync(workflow)).DryRun);
    }

    [Fact]
    public async Task A_disabled_workflow_is_refused_in_the_dialog_and_the_page_stays()
    {
        var workflow = await SaveGreeterAsync();
        await Services.GetRequiredService<WorkflowStore>().SetEnabledAsync(workflow, false, Actor.System, CancellationToken.None);
        var before = Navigation.Uri;
        OpenFor(workflow);

        await _dialogs.Find("[data-testid=run-start]").ClickAsync(new());

        Assert.Contains("enable it to run it", _dialogs.Find("[data-testid=run-refusal]").TextContent, StringComparison.Ordinal);
        Assert.Equal(before, Navigation.Uri);
    }

    [Fact]
    public async Task Run_in_the_workflow_list_opens_the_dialog_for_that_row()
    {
        Auth.SetPolicies(Web.Security.DeskPolicies.Read, Web.Security.DeskPolicies.Write);
        var workflow = await SaveGreeterAsync("Listed");
        await StartWithBodyAsync(workflow, new JsonObject { ["name"] = "Listed before" });
        Providers();
        var list = Render<WorkflowList>();

        list.Find("[data-testid=run-workflow]").Click();

        Assert.Contains("Listed before", BodyText(), StringComparison.Ordinal);
        Assert.Contains("Listed", _dialogs.Find(".mud-dialog-title").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_again_on_a_finished_run_starts_from_that_runs_input()
    {
        Auth.SetPolicies(Web.Security.DeskPolicies.Read, Web.Security.DeskPolicies.Write);
        var workflow = await SaveGreeterAsync();
        var first = await StartWithBodyAsync(workflow, new JsonObject { ["name"] = "First" });
        await RunQueuedAsync();
        await StartWithBodyAsync(workflow, new JsonObject { ["name"] = "Later" });
        Providers();
        var page = Render<RunPage>(p => p.Add(c => c.Id, first.Id));

        page.WaitForElement("[data-testid=run-again]").Click();

        Assert.Equal("First", JsonNode.Parse(BodyText())!["name"]!.GetValue<string>());
        Assert.Contains("the run you came from", Source(), StringComparison.Ordinal);
        await _dialogs.Find("[data-testid=run-start]").ClickAsync(new());
        await using var db = NewDb();
        var again = await db.Executions.AsNoTracking().OrderByDescending(e => e.CreatedAt).FirstAsync();
        Assert.Contains("First", again.TriggerInputJson, StringComparison.Ordinal);
        Assert.EndsWith($"/executions/{again.Id}", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_sees_no_run_again()
    {
        var workflow = await SaveGreeterAsync();
        var run = await StartWithBodyAsync(workflow, new JsonObject { ["name"] = "Seen" });
        await RunQueuedAsync();
        Auth.SetRoles("Viewer");
        Auth.SetPolicies(Web.Security.DeskPolicies.Read);

        var page = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        page.WaitForElement("[data-testid=run-header]");
        Assert.Empty(page.FindAll("[data-testid=run-again]"));
    }

    [Fact]
    public async Task The_editor_offers_run_for_a_saved_workflow_only()
    {
        Auth.SetPolicies(Web.Security.DeskPolicies.Read, Web.Security.DeskPolicies.Write);
        var workflow = await SaveGreeterAsync();
        Render<MudPopoverProvider>();

        var saved = Render<WorkflowEditor>(p => p.Add(c => c.Id, workflow));
        var fresh = Render<WorkflowEditor>(p => p.Add(c => c.Id, (Guid?)null));

        saved.WaitForElement("[data-testid=editor-run]");
        fresh.WaitForElement("[data-testid=save-workflow]");
        Assert.Empty(fresh.FindAll("[data-testid=editor-run]"));
    }

    [Fact]
    public async Task A_viewer_sees_no_run_in_the_editor()
    {
        var workflow = await SaveGreeterAsync();
        Auth.SetRoles("Viewer");
        Auth.SetPolicies(Web.Security.DeskPolicies.Read);
        Render<MudPopoverProvider>();

        var editor = Render<WorkflowEditor>(p => p.Add(c => c.Id, workflow));

        editor.WaitForElement("[data-testid=read-only]");
        Assert.Empty(editor.FindAll("[data-testid=editor-run]"));
    }

    [Fact]
    public async Task Duplicating_a_workflow_toasts_a_link_to_the_copy()
    {
        Auth.SetPolicies(Web.Security.DeskPolicies.Read, Web.Security.DeskPolicies.Write);
        await SaveGreeterAsync("Original");
        Providers();
        var list = Render<WorkflowList>();

        list.Find("[data-testid=duplicate-workflow]").Click();

        await OpenToastAsync("(copy)");
        await using var db = NewDb();
        var copy = await db.Workflows.SingleAsync(w => w.Name == "Original (copy)");
        Assert.EndsWith($"/workflows/{copy.Id}", Navigation.Uri, StringComparison.Ordinal);
    }
}
