using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>
/// A generic webhook: the notification as JSON. With a signing secret the body is signed like GitHub's webhooks,
/// <c>X-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>, so the receiver can tell the desk sent it;
/// <c>X-AutomationDesk-Delivery</c> stays the same across retries of one delivery, so a receiver can drop repeats.
/// </summary>
public sealed class WebhookChannel(ChannelPost post) : IChannelSender
{
    public const string SignatureHeader = "X-Signature-256";
    public const string DeliveryHeader = "X-AutomationDesk-Delivery";

    public ChannelKind Kind => ChannelKind.Webhook;

    public Task SendAsync(ChannelMessage message, ChannelTarget target, CancellationToken ct)
    {
        var json = Body(message).ToJsonString();
        var headers = new Dictionary<string, string> { [DeliveryHeader] = message.DeliveryId.ToString() };
        if (target.SigningSecret is { Length: > 0 } secret)
        {
            headers[SignatureHeader] = Signature(secret, json);
        }
        return post.PostJsonAsync("The webhook", target.Url!, json, headers, ct);
    }

    public static string Signature(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static JsonObject Body(ChannelMessage message) => new()
    {
        ["event"] = message.Test ? "notification.test" : "notification",
        ["id"] = message.NotificationId,
        ["deliveryId"] = message.DeliveryId,
        ["title"] = message.Title,
        ["message"] = message.Message,
        ["type"] = message.Type.ToString(),
        ["priority"] = message.Priority.ToString(),
        ["createdAt"] = message.CreatedAt,
        ["executionId"] = message.ExecutionId,
        ["workflowId"] = message.WorkflowId,
    };
}
