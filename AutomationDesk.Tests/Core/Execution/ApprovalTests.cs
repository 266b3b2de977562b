using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class ApprovalTests : IAsyncLifetime
{
    private static readonly Decider Editor = new(Actor.User("erin@desk.test"), "erin@desk.test", [DeskRoles.Editor]);
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static JsonObject Approval(string id, JsonObject? extra = null)
    {
        var config = new JsonObject { ["message"] = "Refund ${trigger.amount} to ${trigger.customer}?" };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value?.DeepClone();
        }
        return Step(id, "approval", config);
    }

    private static readonly JsonObject Refund = new() { ["amount"] = 40, ["customer"] = "c1" };

    private Task<AutomationDesk.Core.Execution.Execution> RunAsync(JsonObject definition) => _desk.RunAsync(definition, Refund.DeepClone().AsObject());

    private static JsonObject TwoSteps(JsonObject? extra = null) =>
        Workflow(Approval("ask", extra), Transform("after", "${steps.ask.output.decision} by ${steps.ask.output.by}").DependsOn("ask"));

    private Task<ExecutionSummary> DecideAsync(Guid id, ApprovalDecision decision, string comment, Decider? who = null) =>
        _desk.Get<Approvals>().DecideAsync(id, decision, comment, who ?? Editor, CancellationToken.None);

    [Fact]
    public async Task An_approval_pauses_the_run_and_asks_for_a_decision()
    {
        var execution = await RunAsync(TwoSteps());

        Assert.Equal(ExecutionStatus.Paused, execution.Status);
        Assert.Null(execution.DueAt);
        Assert.Null(execution.LeaseOwner);
        Assert.Equal(StepStatus.Waiting, execution.Steps[0].Status);
        Assert.Equal("Refund 40 to c1?", PendingApproval.From(StepRunView.From(execution.Steps[0]))!.Message);
        await using var db = _desk.NewDb();
        var asked = await db.Notifications.AsNoTracking().SingleAsync(n => n.ExecutionId == execution.Id);
        Assert.Equal(NotificationPriority.High, asked.Priority);
        Assert.StartsWith("Refund 40 to c1?", asked.Message, StringComparison.Ordinal);
        Assert.False(await _desk.Get<WorkflowRunner>().RunAsync(execution.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Approving_continues_the_run_with_the_decision_as_the_step_output()
    {
        var execution = await RunAsync(TwoSteps());

        _desk.Time.Advance(TimeSpan.FromMinutes(3));
        var decided = await DecideAsync(execution.Id, ApprovalDecision.Approve, "fine by me");
        await _desk.RunDueWorkAsync();

        Assert.Equal(ExecutionStatus.Queued, decided.Status);
        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        var output = JsonNode.Parse(finished.Steps[0].OutputJson!)!;
        Assert.Equal("approve", output["decision"]!.GetValue<string>());
        Assert.Equal("fine by me", output["comment"]!.GetValue<string>());
        Assert.Equal("erin@desk.test", output["by"]!.GetValue<string>());
        Assert.Equal(180_000, finished.Steps[0].DurationMs);
        Assert.Equal("\"approve by erin@desk.test\"", finished.OutputJson);
        await using var db = _desk.NewDb();
        Assert.Single(await db.AuditEvents.AsNoTracking().Where(a => a.Action == "execution.approval" && a.Actor == "erin@desk.test").ToListAsync());
    }

    [Fact]
    public async Task Of_two_approvals_waiting_side_by_side_the_one_named_is_decided()
    {
        var second = Approval("second");
        second["dependsOn"] = new JsonArray();
        var execution = await RunAsync(Workflow(Approval("first"), second));
        Assert.All(execution.Steps, s => Assert.Equal(StepStatus.Waiting, s.Status));

        await _desk.Get<Approvals>().DecideAsync(execution.Id, ApprovalDecision.Approve, null, Editor, CancellationToken.None, "second");

        var decided = await _desk.ExecutionAsync(execution.Id);
        Assert.Null(decided.Steps.Single(s => s.StepId == "first").OutputJson);
        Assert.Contains("approve", decided.Steps.Single(s => s.StepId == "second").OutputJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejecting_fails_the_step_and_the_run_with_the_comment()
    {
        var execution = await RunAsync(TwoSteps());

        await DecideAsync(execution.Id, ApprovalDecision.Reject, "too much");
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Failed, finished.Status);
        Assert.Equal(StepStatus.Failed, finished.Steps[0].Status);
        Assert.Equal("Rejected by erin@desk.test: too much", finished.Steps[0].ErrorHuman);
        Assert.Contains("Rejected by erin@desk.test: too much", finished.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Pending, finished.Steps[1].Status);
    }

    [Fact]
    public async Task A_rejection_with_on_error_continue_lets_the_run_go_on()
    {
        var ask = Approval("ask");
        ask["onError"] = "continue";
        var execution = await RunAsync(Workflow(ask, Transform("after", "went on").DependsOn("ask")));

        await DecideAsync(execution.Id, ApprovalDecision.Reject, "no");
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(StepStatus.Failed, finished.Steps[0].Status);
        Assert.Equal("\"went on\"", finished.OutputJson);
    }

    [Fact]
    public async Task Without_a_decision_the_timeout_applies_the_default_decision()
    {
        var execution = await RunAsync(TwoSteps(new JsonObject { ["timeout"] = "01:00:00", ["defaultDecision"] = "approve" }));

        Assert.Equal(ExecutionStatus.Paused, execution.Status);
        Assert.Equal(CoreDesk.Epoch.AddHours(1), execution.DueAt);
        _desk.Time.Advance(TimeSpan.FromMinutes(59));
        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Paused, (await _desk.ExecutionAsync(execution.Id)).Status);
        _desk.Time.Advance(TimeSpan.FromMinutes(1));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal("\"approve by timeout\"", finished.OutputJson);
        await using var db = _desk.NewDb();
        var asked = await db.Notifications.AsNoTracking().SingleAsync(n => n.ExecutionId == execution.Id && n.ApprovalStepId == "ask");
        Assert.Equal(("approve", "timeout", CoreDesk.Epoch.AddHours(1)), (asked.Decision, asked.DecidedBy, asked.DecidedAt));
    }

    [Fact]
    public async Task The_default_decision_is_reject()
    {
        var execution = await RunAsync(TwoSteps(new JsonObject { ["timeout"] = "00:10:00" }));

        _desk.Time.Advance(TimeSpan.FromMinutes(10));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Failed, finished.Status);
        Assert.StartsWith("Rejected by timeout", finished.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_listed_approvers_may_decide()
    {
        var approvers = new JsonObject { ["approvers"] = new JsonObject { ["roles"] = new JsonArray("Admin"), ["users"] = new JsonArray("val@desk.test") } };
        var execution = await RunAsync(TwoSteps(approvers));

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() => DecideAsync(execution.Id, ApprovalDecision.Approve, "me"));
        var viewer = new Decider(Actor.User("val@desk.test"), "val@desk.test", [DeskRoles.Viewer]);
        await DecideAsync(execution.Id, ApprovalDecision.Approve, "listed by name", viewer);

        Assert.Equal(ProblemKind.Forbidden, refused.Kind);
        Assert.Contains("role Admin, val@desk.test", refused.Message, StringComparison.Ordinal);
        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(execution.Id)).Status);
    }

    [Fact]
    public async Task Without_approvers_a_viewer_may_not_decide()
    {
        var execution = await RunAsync(TwoSteps());

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() =>
            DecideAsync(execution.Id, ApprovalDecision.Approve, "", new Decider(Actor.User("v@desk.test"), null, [DeskRoles.Viewer])));

        Assert.Equal(ProblemKind.Forbidden, refused.Kind);
        Assert.Equal(ExecutionStatus.Paused, (await _desk.ExecutionAsync(execution.Id)).Status);
    }

    [Fact]
    public async Task A_second_decision_is_refused()
    {
        var execution = await RunAsync(TwoSteps());
        await DecideAsync(execution.Id, ApprovalDecision.Approve, "first");

        var second = await Assert.ThrowsAsync<DeskProblemException>(() => DecideAsync(execution.Id, ApprovalDecision.Reject, "second"));

        Assert.Equal(ProblemKind.Conflict, second.Kind);
    }

    [Fact]
    public async Task A_run_paused_at_an_approval_can_be_cancelled()
    {
        var execution = await RunAsync(TwoSteps());

        var outcome = await _desk.Get<RunCancellation>().CancelAsync(execution.Id, Actor.User("erin@desk.test"), CancellationToken.None);

        Assert.Equal(ExecutionStatus.Cancelled, outcome.Status);
        var cancelled = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Cancelled, cancelled.Status);
        Assert.Equal(StepStatus.Cancelled, cancelled.Steps[0].Status);
        await Assert.ThrowsAsync<DeskProblemException>(() => DecideAsync(execution.Id, ApprovalDecision.Approve, "late"));
    }

    [Fact]
    public async Task Resuming_without_a_decision_is_refused_while_an_approval_waits()
    {
        var execution = await RunAsync(TwoSteps());

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() =>
            _desk.Get<RunPause>().ResumeAsync(execution.Id, Actor.User("erin@desk.test"), CancellationToken.None));

        Assert.Equal(ProblemKind.Invalid, refused.Kind);
        Assert.Contains("decision", refused.Message, StringComparison.Ordinal);
    }
}
