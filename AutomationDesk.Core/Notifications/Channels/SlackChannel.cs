using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>
/// A Slack incoming webhook: <c>text</c> (what notifications and old clients show) and a section block with the same
/// words in mrkdwn, plus a context line with the type and priority. Slack reads <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>
/// as markup, so they are escaped: a title cannot turn into a link or a mention.
/// </summary>
public sealed class SlackChannel(ChannelPost post) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Slack;

    public Task SendAsync(ChannelMessage message, ChannelTarget target, CancellationToken ct) =>
        post.PostJsonAsync("Slack", target.Url!, Body(message).ToJsonString(), null, ct);

    public static JsonObject Body(ChannelMessage message)
    {
        var text = $"*{Escape(message.Headline)}*\n{Escape(message.Message)}";
        return new JsonObject
        {
            ["text"] = text,
            ["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"{message.Type} · {message.Priority} · AutomationDesk" }),
                }),
        };
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
