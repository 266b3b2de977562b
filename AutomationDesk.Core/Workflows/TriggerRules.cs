using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Core.Workflows;

/// <summary>What a workflow's trigger must hold when it is saved: a known type, only its own settings, and settings that read.</summary>
internal static class TriggerRules
{
    public static void Check(TriggerDefinition trigger, ValidationErrors errors)
    {
        if (!TriggerTypes.All.Contains(trigger.Type))
        {
            errors.Add("trigger.type", $"Unknown trigger type '{trigger.Type}': use one of {string.Join(", ", TriggerTypes.All)}.");
            return;
        }
        var sections = new (string Name, object? Value)[]
        {
            (TriggerTypes.Schedule, trigger.Schedule), (TriggerTypes.Webhook, trigger.Webhook), (TriggerTypes.Event, trigger.Event),
            (TriggerTypes.Email, trigger.Email), (TriggerTypes.File, trigger.File),
        };
        foreach (var (name, value) in sections.Where(s => s.Value is not null && s.Name != trigger.Type))
        {
            errors.Add($"trigger.{name}", $"Only a '{name}' trigger has '{name}' settings.");
        }
        switch (trigger.Type)
        {
            case TriggerTypes.Schedule when trigger.Schedule is null:
                errors.Add("trigger.schedule", "A schedule trigger needs 'schedule' with 'cron' or 'every'.");
                break;
            case TriggerTypes.Schedule:
                var schedule = trigger.Schedule;
                if ((schedule.Cron is null) == (schedule.Every is null))
                {
                    errors.Add("trigger.schedule", "Give either 'cron' or 'every'.");
                }
                else if (!ScheduleCalendar.TryCreate(schedule, out _, out var field, out var error))
                {
                    errors.Add($"trigger.schedule.{field}", error);
                }
                if (schedule.Overlap is not ("skip" or "queue" or "allow"))
                {
                    errors.Add("trigger.schedule.overlap", "Must be skip, queue or allow.");
                }
                if (schedule.Misfire is not ("skip" or "runOnce"))
                {
                    errors.Add("trigger.schedule.misfire", "Must be skip or runOnce.");
                }
                break;
            case TriggerTypes.Webhook when trigger.Webhook is { } webhook:
                if (webhook.Respond is not ("accepted" or "completed"))
                {
                    errors.Add("trigger.webhook.respond", "Must be accepted or completed.");
                }
                if (webhook.MaxBodyBytes is < 1 or > 10 * 1024 * 1024)
                {
                    errors.Add("trigger.webhook.maxBodyBytes", "Between 1 byte and 10 MiB.");
                }
                if (webhook.Signature is { } signature && signature.Scheme is not ("hmac-sha256" or "stripe" or "standard-webhooks"))
                {
                    errors.Add("trigger.webhook.signature.scheme", "Must be hmac-sha256, stripe or standard-webhooks.");
                }
                if (webhook.Signature is { } signed && string.IsNullOrWhiteSpace(signed.Secret))
                {
                    errors.Add("trigger.webhook.signature.secret", "Required: the signing secret, or ${secrets.name} to read it from Secrets.");
                }
                if (webhook.Signature?.ToleranceSeconds is < 1)
                {
                    errors.Add("trigger.webhook.signature.toleranceSeconds", "At least 1 second.");
                }
                if (webhook.IdempotencyKey is { } key && !WebhookRequest.IsKeySpec(key))
                {
                    errors.Add("trigger.webhook.idempotencyKey", "Use header:<Name> or body:<path>, for example header:Idempotency-Key or body:id.");
                }
                if (webhook.RespondTimeout is { } respondTimeout && (respondTimeout < TimeSpan.FromSeconds(1) || respondTimeout > TimeSpan.FromMinutes(5)))
                {
                    errors.Add("trigger.webhook.respondTimeout", "Between 1 second and 5 minutes.");
                }
                break;
            case TriggerTypes.Event when trigger.Event is null || trigger.Event.WorkflowId == Guid.Empty:
                errors.Add("trigger.event.workflowId", "An event trigger names the workflow whose runs start this one.");
                break;
            case TriggerTypes.Event when trigger.Event.On.Count == 0 || trigger.Event.On.Any(o => !EventTriggers.Outcomes.Contains(o)):
                errors.Add("trigger.event.on", $"A list of the outcomes that start this workflow: {string.Join(", ", EventTriggers.Outcomes)}.");
                break;
            case TriggerTypes.Email when trigger.Email is null:
                errors.Add("trigger.email", "An email trigger needs 'email' with the 'connection' of the mailbox to read.");
                break;
            case TriggerTypes.Email:
                CheckEmail(trigger.Email, errors);
                break;
            case TriggerTypes.File when trigger.File is null:
                errors.Add("trigger.file", "A file trigger needs 'file' with the 'folder' to watch.");
                break;
            case TriggerTypes.File:
                CheckFile(trigger.File, errors);
                break;
        }
    }

    private static void CheckEmail(EmailTrigger email, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(email.Connection))
        {
            errors.Add("trigger.email.connection", "Required: the name of the imap connection of the mailbox to read.");
        }
        else if (email.Connection.Contains("${", StringComparison.Ordinal))
        {
            // The run masks the secrets of the connections its definition names: a name known only later could not be.
            errors.Add("trigger.email.connection", "A connection is named as it is, not with a template.");
        }
        else if (!Connections.ConnectionStore.IsValidName(email.Connection))
        {
            errors.Add("trigger.email.connection", $"'{email.Connection}' is not a connection name.");
        }
        if (string.IsNullOrWhiteSpace(email.Folder) || email.Folder.Length > 200 || DefinitionLimits.HasControlCharacter(email.Folder))
        {
            errors.Add("trigger.email.folder", "The mailbox folder to read, 1 to 200 characters (INBOX when left out).");
        }
        if (email.Every < TriggerPoller.MinEmailEvery || email.Every > TriggerPoller.MaxEvery)
        {
            errors.Add("trigger.email.every", "Between 10 seconds and 1 day.");
        }
    }

    private static void CheckFile(FileTrigger file, ValidationErrors errors)
    {
        if (FileTriggerPaths.FolderProblem(file.Folder) is { } problem)
        {
            errors.Add("trigger.file.folder", problem);
        }
        if (FileTriggerPaths.PatternProblem(file.Pattern) is { } patternProblem)
        {
            errors.Add("trigger.file.pattern", patternProblem);
        }
        if (file.Every < TriggerPoller.MinFileEvery || file.Every > TriggerPoller.MaxEvery)
        {
            errors.Add("trigger.file.every", "Between 1 second and 1 day.");
        }
        if (!FileTriggerPaths.ThenChoices.Contains(file.Then))
        {
            errors.Add("trigger.file.then", "Must be move, delete or keep.");
        }
    }
}
