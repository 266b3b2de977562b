namespace AutomationDesk.Core.Workflows;

/// <summary>
/// The longest durations a workflow may ask for, checked when it is saved. A step or run timeout becomes a
/// cancellation timer, which cannot count past about 49.7 days; waits (delay, approval) are durable due times instead.
/// </summary>
public static class DefinitionLimits
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromHours(24);
    public static readonly TimeSpan RunTimeout = TimeSpan.FromDays(30);
    public static readonly TimeSpan RetryDelay = TimeSpan.FromDays(1);
    public static readonly TimeSpan ScheduleInterval = TimeSpan.FromDays(366);
    public static readonly TimeSpan ScheduleAlertAfter = TimeSpan.FromDays(30);

    /// <summary>Every duration of a definition against its limit; each problem names its field, e.g. <c>steps[2].timeout</c>.</summary>
    public static void CheckDurations(WorkflowDefinition definition, ValidationErrors errors)
    {
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            Check(step.Timeout, StepTimeout, $"steps[{i}].timeout", errors);
            Check(step.Retry?.InitialDelay, RetryDelay, $"steps[{i}].retry.initialDelay", errors);
            Check(step.Retry?.MaxDelay, RetryDelay, $"steps[{i}].retry.maxDelay", errors);
        }
        Check(definition.Settings?.Timeout, RunTimeout, "settings.timeout", errors);
        Check(definition.Settings?.ExpectedDuration, RunTimeout, "settings.expectedDuration", errors);
        if (definition.Trigger.Schedule is { } schedule)
        {
            // 'every' below one second is refused by the schedule calendar, with the cron checks.
            if (schedule.Every is { } every && every > ScheduleInterval)
            {
                errors.Add("trigger.schedule.every", $"At most {Describe(ScheduleInterval)}.");
            }
            Check(schedule.AlertAfter, ScheduleAlertAfter, "trigger.schedule.alertAfter", errors);
        }
    }

    private static void Check(TimeSpan? value, TimeSpan max, string path, ValidationErrors errors)
    {
        if (value is { } span && Check(span, max) is { } problem)
        {
            errors.Add(path, problem);
        }
    }

    /// <summary>Null when the duration is longer than zero and at most <paramref name="max"/>, else what is wrong.</summary>
    public static string? Check(TimeSpan value, TimeSpan max) =>
        value <= TimeSpan.Zero ? "Must be longer than zero."
        : value > max ? $"At most {Describe(max)}."
        : null;

    /// <summary>A limit in words: "24 hours", "30 days".</summary>
    public static string Describe(TimeSpan span) =>
        span.TotalSeconds <= 120 && span.Ticks % TimeSpan.TicksPerSecond == 0 && span.Ticks % TimeSpan.TicksPerMinute != 0 ? $"{span.TotalSeconds:0} seconds"
        : span.TotalMinutes <= 120 && span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{span.TotalMinutes:0} minutes"
        : span.TotalHours <= 48 && span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.TotalHours:0} hours"
        : span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.TotalDays:0} days"
        : span.ToString("c", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when the text holds a control character (C0, DEL or C1), such as a line break or a tab.</summary>
    public static bool HasControlCharacter(string text) => text.Any(char.IsControl);
}
