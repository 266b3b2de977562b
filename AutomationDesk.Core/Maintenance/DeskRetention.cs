using System.Text.Json.Nodes;
using AutomationDesk.Core.Settings;

namespace AutomationDesk.Core.Maintenance;

/// <summary>How long the desk keeps runs, webhook events and notifications, in days, and whether it archives first.</summary>
public sealed record DeskRetention(int ExecutionsDays, int WebhookEventsDays, int NotificationsDays, bool Archive)
{
    public static readonly DeskRetention Default = new(ExecutionsDays: 30, WebhookEventsDays: 30, NotificationsDays: 90, Archive: false);

    /// <summary>
    /// The retention settings (<c>retention.executionsDays</c>, <c>retention.webhookEventsDays</c>,
    /// <c>retention.notificationsDays</c>, <c>retention.archive</c>); a key not set, or not a whole number of days from 1,
    /// reads as its default. The one place prune reads them: <c>DeskSettings.RetentionAsync</c> answers the same.
    /// </summary>
    public static async Task<DeskRetention> ReadAsync(DeskSettings settings, CancellationToken ct)
    {
        var all = await settings.AllAsync(ct);
        return new DeskRetention(
            Days(all, "retention.executionsDays", Default.ExecutionsDays),
            Days(all, "retention.webhookEventsDays", Default.WebhookEventsDays),
            Days(all, "retention.notificationsDays", Default.NotificationsDays),
            all.GetValueOrDefault("retention.archive") is JsonValue flag && flag.TryGetValue<bool>(out var archive) ? archive : Default.Archive);
    }

    private static int Days(IReadOnlyDictionary<string, JsonNode?> all, string key, int fallback) =>
        all.GetValueOrDefault(key) is JsonValue value && value.TryGetValue<int>(out var days) && days >= 1 ? days : fallback;
}
