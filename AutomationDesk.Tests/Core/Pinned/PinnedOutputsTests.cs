using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Pinned;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Pinned;

/// <summary>Pinning a run's data: what is kept, what replaces what, and that it goes with its workflow.</summary>
public sealed class PinnedOutputsTests
{
    private static readonly Actor Editor = Actor.User("editor@desk.test");

    /// <summary>A manual run's trigger, as the API's execute builds it from a body.</summary>
    private static JsonObject Body(int total) => new() { ["body"] = new JsonObject { ["total"] = total } };

    private static JsonObject TwoSteps() => Workflow(
        Transform("order", new JsonObject { ["id"] = 7, ["total"] = "${trigger.body.total}" }),
        Transform("label", "Order ${steps.order.output.id}").DependsOn("order"));

    [Fact]
    public async Task Pinning_a_run_keeps_its_trigger_and_every_step_output()
    {
        await using var desk = await CoreDesk.StartAsync();
        var run = await desk.RunAsync(TwoSteps(), Body(42));

        await desk.Get<PinnedOutputs>().PinRunAsync(run.WorkflowId, run.Id, Editor, CancellationToken.None);
        var pinned = await desk.Get<PinnedOutputs>().ReadAsync(run.WorkflowId, CancellationToken.None);

        Assert.NotNull(pinned);
        Assert.Equal(42, pinned.Trigger?["body"]?["total"]?.GetValue<int>());
        Assert.Equal(["label", "order"], pinned.Steps.Select(s => s.StepId));
        Assert.Equal("Order 7", pinned.OutputOf("label")?.GetValue<string>());
        Assert.All(pinned.Steps, s => Assert.Equal(run.Id, s.SourceExecutionId));
    }

    [Fact]
    public async Task Pinning_another_run_replaces_what_was_pinned()
    {
        await using var desk = await CoreDesk.StartAsync();
        var first = await desk.RunAsync(TwoSteps(), Body(1));
        var secondId = await desk.StartAsync(first.WorkflowId, Body(2));
        await desk.RunDueWorkAsync();
        var second = await desk.ExecutionAsync(secondId);
        Assert.True(second.Steps.Count == 2, $"{second.Status} {second.ErrorHuman} {second.DueAt}");
        var pins = desk.Get<PinnedOutputs>();

        await pins.PinRunAsync(first.WorkflowId, first.Id, Editor, CancellationToken.None);
        await pins.PinRunAsync(first.WorkflowId, secondId, Editor, CancellationToken.None);

        await using var db = desk.NewDb();
        var rows = await db.PinnedStepOutputs.Where(p => p.WorkflowId == first.WorkflowId).ToListAsync();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(secondId, r.SourceExecutionId));
        Assert.Contains("\"total\":2", rows.Single(r => r.StepId == PinnedOutputs.TriggerKey).OutputJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_of_another_workflow_cannot_be_pinned()
    {
        await using var desk = await CoreDesk.StartAsync();
        var run = await desk.RunAsync(TwoSteps(), Body(0));
        var other = await desk.SaveAsync(Workflow("Other", Transform("x", 1)));

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() => desk.Get<PinnedOutputs>().PinRunAsync(other, run.Id, Editor, CancellationToken.None));

        Assert.Equal(ProblemKind.NotFound, refused.Kind);
        Assert.Contains("no run", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clearing_forgets_every_pin_and_records_who_did_it()
    {
        await using var desk = await CoreDesk.StartAsync();
        var run = await desk.RunAsync(TwoSteps(), Body(0));
        var pins = desk.Get<PinnedOutputs>();
        await pins.PinRunAsync(run.WorkflowId, run.Id, Editor, CancellationToken.None);

        Assert.True(await pins.ClearAsync(run.WorkflowId, Editor, CancellationToken.None));

        var pinned = await pins.ReadAsync(run.WorkflowId, CancellationToken.None);
        Assert.Null(pinned!.Trigger);
        Assert.Empty(pinned.Steps);
        await using var db = desk.NewDb();
        Assert.Equal(["workflow.pin", "workflow.unpin"], await db.AuditEvents.Where(a => a.Action.StartsWith("workflow.") && a.Action.Contains("pin"))
            .OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task Deleting_the_workflow_deletes_its_pins()
    {
        await using var desk = await CoreDesk.StartAsync();
        var run = await desk.RunAsync(TwoSteps(), Body(0));
        await desk.Get<PinnedOutputs>().PinRunAsync(run.WorkflowId, run.Id, Editor, CancellationToken.None);

        await desk.Get<WorkflowStore>().DeleteAsync(run.WorkflowId, Editor, CancellationToken.None);

        await using var db = desk.NewDb();
        Assert.False(await db.PinnedStepOutputs.AnyAsync());
        Assert.Null(await desk.Get<PinnedOutputs>().ReadAsync(run.WorkflowId, CancellationToken.None));
    }
}
