using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Pinned;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>Building from real data in the editor: pinned paths as suggestions, previews, the output tree and "Execute this step".</summary>
public sealed class PinnedDataEditorTests : DeskPageTest
{
    private const string Title = "div[data-field='steps[1].config.title']";

    public PinnedDataEditorTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private static JsonObject Sales(string? title = null) => Workflow("Sales",
        Transform("fetch", new JsonObject { ["body"] = new JsonObject { ["sales"] = new JsonObject { ["total"] = 1234 } } }),
        Step("tell", "notification.send", new JsonObject { ["title"] = title ?? "Sales", ["message"] = "m" }).DependsOn("fetch"));

    /// <summary>Saves the workflow, runs it and pins that run's data.</summary>
    private async Task<Guid> PinnedWorkflowAsync(JsonObject definition)
    {
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(definition.ToJsonString(), Actor.System, CancellationToken.None);
        var id = saved["id"]!.GetValue<Guid>();
        var run = await Services.GetRequiredService<ExecutionLauncher>().StartAsync(id, new RunRequest(TriggerTypes.Manual, []), Actor.System, CancellationToken.None);
        await RunQueuedAsync();
        await Services.GetRequiredService<PinnedOutputs>().PinRunAsync(id, run.Id, Actor.System, CancellationToken.None);
        return id;
    }

    private IRenderedComponent<WorkflowEditor> RenderEditor(Guid id)
    {
        Render<MudPopoverProvider>();
        var cut = Render<WorkflowEditor>(p => p.Add(c => c.Id, id));
        cut.WaitForElement("[data-testid=pinned-trees]", TimeSpan.FromSeconds(10));
        return cut;
    }

    [Fact]
    public async Task Typing_a_template_offers_the_paths_found_in_the_pinned_outputs()
    {
        var cut = RenderEditor(await PinnedWorkflowAsync(Sales()));

        cut.Find($"{Title} input").Input("Total ${steps.fetch.output.body.s");

        var suggestions = cut.FindAll($"{Title} [data-testid=template-suggestion]").Select(s => s.GetAttribute("data-path")).ToList();
        Assert.Contains("steps.fetch.output.body.sales.total", suggestions);
    }

    [Fact]
    public async Task Beside_a_template_field_a_preview_shows_what_it_resolves_to_against_the_pinned_data()
    {
        var cut = RenderEditor(await PinnedWorkflowAsync(Sales()));

        cut.Find($"{Title} input").Input("Total ${steps.fetch.output.body.sales.total}");

        var preview = cut.Find($"{Title} [data-testid=template-preview]");
        Assert.Equal("true", preview.GetAttribute("data-resolved"));
        Assert.Contains("→ Total 1234", preview.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_missing_from_the_pinned_data_previews_as_a_dash_with_the_reason()
    {
        var cut = RenderEditor(await PinnedWorkflowAsync(Sales()));

        cut.Find($"{Title} input").Input("Total ${steps.fetch.output.body.refunds}");

        var preview = cut.Find($"{Title} [data-testid=template-preview]");
        Assert.Equal("false", preview.GetAttribute("data-resolved"));
        Assert.StartsWith("—", preview.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("refunds", preview.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clicking_a_field_in_the_output_tree_inserts_its_path_into_the_field_last_focused()
    {
        var cut = RenderEditor(await PinnedWorkflowAsync(Sales()));
        cut.Find($"{Title} input").Input("Total ");
        cut.Find(Title).TriggerEvent("onfocusin", new FocusEventArgs());

        cut.Find("[data-testid=pinned-trees] button[data-path='steps.fetch.output.body.sales.total']").Click();

        cut.WaitForAssertion(() => Assert.Equal("Total ${steps.fetch.output.body.sales.total}", cut.Find($"{Title} input").GetAttribute("value")));
        Assert.Contains("→ Total 1234", cut.Find($"{Title} [data-testid=template-preview]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_this_step_shows_progress_then_the_output_it_pinned()
    {
        var release = new TaskCompletionSource();
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/slow", async () =>
        {
            await release.Task;
            return Microsoft.AspNetCore.Http.Results.Json(new { answer = 42 });
        }));
        var id = await PinnedWorkflowAsync(Sales());
        var cut = RenderEditor(id);
        cut.Find("[data-testid=json-editor] textarea").Change(Workflow("Sales",
            Transform("fetch", new JsonObject { ["body"] = new JsonObject { ["sales"] = new JsonObject { ["total"] = 1234 } } }),
            Http("ask", server.Url("/slow?total=${steps.fetch.output.body.sales.total}")).DependsOn("fetch")).ToJsonString());

        var button = cut.WaitForElement("[data-testid=execute-step][data-step-id=ask] [data-testid=execute-step-button]", TimeSpan.FromSeconds(10));
        var clicked = button.ClickAsync(new MouseEventArgs());
        cut.WaitForElement("[data-testid=execute-step][data-step-id=ask] [data-testid=execute-step-progress]", TimeSpan.FromSeconds(10));
        release.SetResult();
        await clicked;

        cut.WaitForAssertion(() => Assert.Contains("42", cut.Find("[data-testid=execute-step][data-step-id=ask] [data-testid=execute-step-output]").TextContent),
            TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("[data-testid=execute-step][data-step-id=ask] [data-testid=execute-step-progress]"));
        var pinned = await Services.GetRequiredService<PinnedOutputs>().ReadAsync(id, CancellationToken.None);
        Assert.Equal(42, pinned!.OutputOf("ask")?["body"]?["answer"]?.GetValue<int>());
    }

    [Fact]
    public async Task A_failed_step_shows_its_error_in_words()
    {
        var cut = RenderEditor(await PinnedWorkflowAsync(Sales()));
        cut.Find("[data-testid=json-editor] textarea").Change(Workflow("Sales",
            Transform("fetch", 1), Transform("shape", "${steps.fetch.output.nothing.here}").DependsOn("fetch")).ToJsonString());

        cut.Find("[data-testid=execute-step][data-step-id=shape] [data-testid=execute-step-button]").Click();

        cut.WaitForAssertion(() => Assert.Contains("The step failed:", cut.Find("[data-testid=execute-step][data-step-id=shape] [data-testid=execute-step-error]").TextContent),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_step_that_needs_a_whole_run_says_so_and_its_button_is_off()
    {
        var cut = RenderEditor(await PinnedWorkflowAsync(Workflow("Waits", Transform("fetch", 1), Delay("wait", TimeSpan.FromMinutes(1)))));

        var panel = cut.Find("[data-testid=execute-step][data-step-id=wait]");

        Assert.True(panel.QuerySelector("[data-testid=execute-step-button]")!.HasAttribute("disabled"));
        Assert.Contains("Test run", panel.QuerySelector("[data-testid=execute-step-refusal]")!.TextContent, StringComparison.Ordinal);
    }
}
