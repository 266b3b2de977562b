using System.Globalization;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Asks a person to approve or reject. The step waits and the run goes <c>Paused</c> until someone decides (see
/// <see cref="Approvals"/>); with a <c>timeout</c> the run comes back at that time and the default decision is applied.
/// </summary>
[StepType(TypeName, Label = "Approval", Category = StepCategory.People, Summary = "Waits until a person approves or rejects.")]
public sealed class ApprovalStep(NotificationService notifications, TimeProvider time) : IStep<ApprovalConfig>
{
    public const string TypeName = "approval";

    public async Task<StepResult> ExecuteAsync(ApprovalConfig config, StepContext context, CancellationToken ct)
    {
        DateTimeOffset? expiresAt = config.Timeout is { } timeout ? time.GetUtcNow() + timeout : null;
        var deadline = expiresAt is { } at
            ? $" Without a decision by {at.ToString("u", CultureInfo.InvariantCulture)} it is {(config.DefaultDecision == ApprovalDecision.Approve ? "approved" : "rejected")}."
            : "";
        await notifications.CreateAsync(new NewNotification(
            "Approval needed", $"{config.Message}{deadline}", NotificationType.Warning, NotificationPriority.High,
            context.ExecutionId, context.WorkflowId, StableId.For($"approval:{context.Attempt}", context), context.StepId), ct);
        context.Log(LogLevelName.Information, "Waiting for a decision", null);
        return StepResult.AwaitDecision(expiresAt);
    }
}

public enum ApprovalDecision
{
    Approve,
    Reject,
}

/// <summary>Who may decide: any listed role or any listed user (name or email). Nobody listed: Editors and Admins.</summary>
public sealed record ApproverList
{
    public IReadOnlyList<string> Roles { get; init; } = [];
    public IReadOnlyList<string> Users { get; init; } = [];
}

public sealed record ApprovalConfig : IValidatableConfig
{
    /// <summary>What the person is asked, e.g. "Refund ${trigger.amount} to ${trigger.customer}?".</summary>
    public required string Message { get; init; }

    public ApproverList? Approvers { get; init; }

    /// <summary>How long to wait for a decision before <see cref="DefaultDecision"/> is applied; none waits for ever.</summary>
    [DurationRange(366 * 24 * 3600)]
    public TimeSpan? Timeout { get; init; }

    public ApprovalDecision DefaultDecision { get; init; } = ApprovalDecision.Reject;

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (string.IsNullOrWhiteSpace(Message) || Message.Length > 4000)
        {
            yield return ("message", "A message is 1 to 4000 characters.");
        }
        if (Timeout is { } t && (t <= TimeSpan.Zero || t > TimeSpan.FromDays(366)))
        {
            yield return ("timeout", "A timeout is more than zero and at most 366 days.");
        }
    }
}
