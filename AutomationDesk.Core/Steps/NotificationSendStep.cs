using System.Text.Json.Nodes;
using AutomationDesk.Core.Notifications;

namespace AutomationDesk.Core.Steps;

/// <summary>Raises a notification in the desk (the bell, the notifications page, the live channel), secrets masked.</summary>
[StepType("notification.send", Label = "Send notification", Category = StepCategory.People, Summary = "Raises a notification in the desk: the bell, the inbox and its channels.", HasSideEffects = true)]
public sealed class NotificationSendStep(NotificationService notifications) : IStep<NotificationSendConfig>
{
    public async Task<StepResult> ExecuteAsync(NotificationSendConfig config, StepContext context, CancellationToken ct)
    {
        // The same run and step always make the same id, so a repeat of the step does not notify twice.
        var id = StableId.For("notification", context);
        var created = await notifications.CreateAsync(
            new NewNotification(context.Masker.Apply(config.Title)!, context.Masker.Apply(config.Message)!, config.Type, config.Priority, context.ExecutionId, context.WorkflowId, id), ct);
        return StepResult.Done(new JsonObject { ["id"] = created.Id, ["createdAt"] = created.CreatedAt });
    }
}

public sealed record NotificationSendConfig : IValidatableConfig
{
    public required string Title { get; init; }
    public string Message { get; init; } = "";
    public NotificationType Type { get; init; } = NotificationType.Info;
    public NotificationPriority Priority { get; init; } = NotificationPriority.Normal;

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (string.IsNullOrWhiteSpace(Title) || Title.Length > 200)
        {
            yield return ("title", "A title is 1 to 200 characters.");
        }
        if (Message.Length > 4000)
        {
            yield return ("message", "At most 4000 characters.");
        }
    }
}
