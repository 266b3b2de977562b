namespace AutomationDesk.Core.Settings;

/// <summary>
/// How long the desk keeps what it stores, in days, and whether it archives rows before deleting them. Read through
/// <see cref="DeskSettings.RetentionAsync"/>: a key nobody set reads as its default here.
/// </summary>
public sealed record RetentionSettings(int ExecutionsDays, int WebhookEventsDays, int NotificationsDays, bool Archive)
{
    public static readonly RetentionSettings Default = new(ExecutionsDays: 30, WebhookEventsDays: 30, NotificationsDays: 90, Archive: false);
}
