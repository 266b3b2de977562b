using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>
/// A Microsoft Teams webhook (a Workflows "post to a channel when a webhook request is received" URL, or an old
/// incoming webhook): a message with one Adaptive Card attachment, the shape Microsoft documents for both.
/// </summary>
public sealed class TeamsChannel(ChannelPost post) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Teams;

    public Task SendAsync(ChannelMessage message, ChannelTarget target, CancellationToken ct) =>
        post.PostJsonAsync("Teams", target.Url!, Body(message).ToJsonString(), null, ct);

    public static JsonObject Body(ChannelMessage message) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = "application/vnd.microsoft.card.adaptive",
            ["contentUrl"] = null,
            ["content"] = new JsonObject
            {
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["type"] = "AdaptiveCard",
                ["version"] = "1.2",
                ["body"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "TextBlock", ["text"] = message.Headline, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true,
                        ["color"] = message.Type switch { NotificationType.Error => "Attention", NotificationType.Warning => "Warning", NotificationType.Success => "Good", _ => "Default" },
                    },
                    new JsonObject { ["type"] = "TextBlock", ["text"] = message.Message, ["wrap"] = true },
                    new JsonObject { ["type"] = "TextBlock", ["text"] = $"{message.Type} · {message.Priority} · AutomationDesk", ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true }),
            },
        }),
    };
}
