using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

/// <summary>Inputs that once left a run Running for ever, re-dispatched every lease period.</summary>
public sealed class RunsNeverWedgeTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Theory]
    [InlineData("${execution.id}")]
    [InlineData("${workflow.id}")]
    [InlineData("${execution.startedAt}")]
    public async Task An_id_or_a_time_inside_text_reads_as_its_text(string template)
    {
        var execution = await _desk.RunAsync(Workflow(Transform("say", $"run <{template}>")));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var said = StoredJson.Parse(execution.Steps[0].OutputJson)!.GetValue<string>();
        var expected = template switch
        {
            "${execution.id}" => execution.Id.ToString(),
            "${workflow.id}" => execution.WorkflowId.ToString(),
            _ => execution.StartedAt!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal($"run <{expected}>", said);
    }

    [Fact]
    public async Task A_workflow_that_uses_a_secret_can_create_records_and_send_notifications()
    {
        await _desk.Get<SecretStore>().SetAsync("token", "s3cret-token-value", Actor.User("admin@desk.test"), CancellationToken.None);

        var execution = await _desk.RunAsync(Workflow(
            Step("save", "record.create", new JsonObject { ["collection"] = "orders", ["data"] = new JsonObject { ["auth"] = "${secrets.token}", ["n"] = 1 } }),
            Step("tell", "notification.send", new JsonObject { ["title"] = "Saved ${steps.save.output.id}", ["message"] = "with ${secrets.token}" })));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.All(execution.Steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.DoesNotContain("s3cret-token-value", execution.Steps[0].OutputJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_trigger_body_with_a_repeated_key_fails_the_step_that_reads_it()
    {
        var workflowId = await _desk.SaveAsync(Workflow(Transform("read", "${trigger.body.x}")));
        var executionId = await _desk.StartAsync(workflowId, new JsonObject { ["body"] = new JsonObject { ["y"] = 1 } });
        await using (var db = _desk.NewDb())
        {
            // As a body accepted before repeated keys were refused at the door was stored.
            await db.Executions.Where(e => e.Id == executionId)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.TriggerInputJson, """{"body":{"x":1,"x":2}}"""));
        }

        await _desk.RunDueWorkAsync();

        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StepStatus.Failed, execution.Steps[0].Status);
        Assert.NotNull(execution.Steps[0].ErrorHuman);
    }

    [Fact]
    public async Task A_condition_that_cannot_be_read_on_a_step_that_continues_lets_the_steps_after_it_run()
    {
        var guarded = Transform("guarded", 2).When("${trigger.body.missing}");
        guarded["onError"] = "continue";

        var execution = await _desk.RunAsync(Workflow(Transform("first", 1), guarded, Transform("after", 3)));

        var status = execution.Steps.ToDictionary(s => s.StepId, s => s.Status);
        Assert.Equal(StepStatus.Failed, status["guarded"]);
        Assert.Equal(StepStatus.Succeeded, status["after"]);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
    }

    [Fact]
    public async Task A_step_timeout_longer_than_a_timer_can_hold_does_not_stop_the_step()
    {
        var workflowId = await _desk.SaveAsync(Workflow(Transform("a", 1)));
        var step = Transform("a", 1);
        step["timeout"] = "60.00:00:00";
        // Written past the save-time bounds, as a definition stored before they existed.
        var longer = Workflow(step).WithSettings(new JsonObject { ["timeout"] = "400.00:00:00" });
        longer["id"] = workflowId.ToString();
        longer["version"] = 1;
        await using (var db = _desk.NewDb())
        {
            var text = longer.ToJsonString();
            await db.WorkflowVersions.Where(v => v.WorkflowId == workflowId).ExecuteUpdateAsync(set => set.SetProperty(v => v.DefinitionJson, text));
            await db.Workflows.Where(w => w.Id == workflowId).ExecuteUpdateAsync(set => set.SetProperty(w => w.DefinitionJson, text));
        }

        var executionId = await _desk.StartAsync(workflowId);
        await _desk.RunDueWorkAsync();

        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
    }

    [Fact]
    public async Task A_run_the_engine_cannot_run_is_tried_again_then_failed_with_the_reason()
    {
        var workflowId = await _desk.SaveAsync(Workflow(Transform("a", 1)));
        await BreakTheStartOfEveryRunAsync();
        var executionId = await _desk.StartAsync(workflowId);

        await _desk.RunDueWorkAsync();
        var afterFirst = await _desk.ExecutionAsync(executionId);
        _desk.Time.Advance(TimeSpan.FromSeconds(4));
        await _desk.RunDueWorkAsync();
        _desk.Time.Advance(TimeSpan.FromSeconds(6));
        await _desk.RunDueWorkAsync();

        Assert.Equal(ExecutionStatus.Running, afterFirst.Status);
        Assert.Equal(1, afterFirst.DispatchFailures);
        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(3, execution.DispatchFailures);
        Assert.StartsWith("The desk could not run this execution: ", execution.ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("the disk said no", execution.ErrorHuman, StringComparison.Ordinal);
        Assert.Null(execution.LeaseOwner);
        Assert.NotNull(execution.FinishedAt);
        Assert.Null(_desk.Dispatcher.TakeDue(_desk.Time.GetUtcNow() + TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task A_run_that_goes_through_after_an_engine_failure_starts_its_count_again()
    {
        var workflowId = await _desk.SaveAsync(Workflow(Transform("a", 1)));
        await BreakTheStartOfEveryRunAsync();
        var executionId = await _desk.StartAsync(workflowId);
        await _desk.RunDueWorkAsync();

        await using (var db = _desk.NewDb())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER refuse_run_start");
        }
        _desk.Time.Advance(TimeSpan.FromSeconds(4));
        await _desk.RunDueWorkAsync();

        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(0, execution.DispatchFailures);
    }

    /// <summary>A real fault below the engine: the database refuses the first checkpoint of every run.</summary>
    private async Task BreakTheStartOfEveryRunAsync()
    {
        await using var db = _desk.NewDb();
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TRIGGER refuse_run_start BEFORE INSERT ON ExecutionLogs WHEN NEW.Message = 'Run started'
            BEGIN SELECT RAISE(ABORT, 'the disk said no'); END;
            """);
    }
}
