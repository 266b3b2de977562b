using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>
/// A Discord webhook: <c>content</c> of at most 2000 characters (Discord refuses longer), with mentions turned off so a
/// message that says <c>@everyone</c> does not ping the server.
/// </summary>
public sealed class DiscordChannel(ChannelPost post) : IChannelSender
{
    public const int MaxContent = 2000;

    public ChannelKind Kind => ChannelKind.Discord;

    public Task SendAsync(ChannelMessage message, ChannelTarget target, CancellationToken ct) =>
        post.PostJsonAsync("Discord", target.Url!, Body(message).ToJsonString(), null, ct);

    public static JsonObject Body(ChannelMessage message)
    {
        var content = $"**{message.Headline}**\n{message.Message}";
        return new JsonObject
        {
            ["content"] = content.Length > MaxContent ? content[..(MaxContent - 1)] + "…" : content,
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        };
    }
}
