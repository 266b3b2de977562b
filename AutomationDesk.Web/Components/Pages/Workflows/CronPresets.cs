namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>The common schedules a person picks instead of writing the cron by hand; each fills the cron field.</summary>
public static class CronPresets
{
    public static IReadOnlyList<(string Label, string Cron)> All { get; } =
    [
        ("Every 5 minutes", "*/5 * * * *"),
        ("Every hour", "0 * * * *"),
        ("Every day at 9:00", "0 9 * * *"),
        ("Weekdays at 9:00", "0 9 * * 1-5"),
        ("Every Monday at 9:00", "0 9 * * 1"),
        ("First of the month at 9:00", "0 9 1 * *"),
    ];
}
