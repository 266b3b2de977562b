using System.Text.Json;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// Slack, with either an incoming webhook URL (posts to one channel; the URL is the credential) or a bot token for the
/// Web API (<c>https://slack.com/api/METHOD</c> with a bearer token). The webhook's test posts an empty message, which
/// a live webhook refuses with 400 <c>invalid_payload</c> or <c>no_text</c> without posting; a dead one answers 403
/// <c>invalid_token</c> or 404 <c>no_service</c>. The bot's test calls <c>auth.test</c>, which answers 200 with
/// <c>"ok": false</c> and an error code when the token is bad.
/// </summary>
public sealed class SlackConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "slack",
    Label = "Slack",
    Description = "Slack through an incoming webhook URL, or the Web API with a bot token (xoxb-…). Give one of the two.",
    DocsUrl = "https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks/",
    TestDescription = "Webhook: posts an empty message, which Slack refuses without posting when the URL is live. Bot token: POST auth.test.",
    DefaultBaseUrl = "https://slack.com/api",
    Fields =
    [
        new ConnectionField(WebhookField, "Incoming webhook URL", ConnectionFieldKind.Secret) { Placeholder = "https://hooks.slack.com/services/…" },
        new ConnectionField(BotTokenField, "Bot token", ConnectionFieldKind.Secret) { Placeholder = "xoxb-…" },
    ],
    Auth = s => new HttpAuth.Bearer(s.Secret(BotTokenField) ?? ""),
    Test = new HttpTestCall("POST", "/auth.test")
    {
        Refusal = a => a.Object?["ok"]?.GetValueKind() == JsonValueKind.True ? null : a.Error(),
        Describe = a => $"Signed in as {a.Object?["user"].TextOrNull() ?? "a bot"} in {a.Object?["team"].TextOrNull() ?? "the workspace"}.",
    },
})
{
    private const string WebhookField = "webhookUrl";
    private const string BotTokenField = "botToken";

    private static readonly HttpTestCall WebhookTest = new("POST", "")
    {
        JsonBody = "{}",
        SuccessStatuses = [200, 400],
        Refusal = a => a.Status == 400 && a.Text.Trim() is not ("invalid_payload" or "no_text" or "missing_text_or_fallback_or_attachments") ? a.Error() : null,
        Describe = _ => "The webhook URL is live: Slack refused the empty test message as expected, so nothing was posted.",
    };

    public override HttpAccess AccessOf(ConnectionSettings settings) => settings.Secret(WebhookField) is { } webhook
        ? new HttpAccess(webhook, HttpAuth.None)
        : base.AccessOf(settings);

    protected override HttpTestCall TestCallOf(ConnectionSettings settings) =>
        settings.Secret(WebhookField) is not null ? WebhookTest : base.TestCallOf(settings);

    public override IEnumerable<(string Field, string Message)> Validate(ConnectionSettings settings)
    {
        foreach (var problem in base.Validate(settings))
        {
            yield return problem;
        }
        var webhook = settings.Secret(WebhookField);
        var token = settings.Secret(BotTokenField);
        if ((webhook is null) == (token is null))
        {
            yield return ($"secrets.{WebhookField}", "Give either an incoming webhook URL or a bot token, not both and not neither.");
        }
        else if (webhook is not null && (!Uri.TryCreate(webhook, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return ($"secrets.{WebhookField}", "Not an absolute http or https URL; paste the whole URL Slack gave.");
        }
    }
}
