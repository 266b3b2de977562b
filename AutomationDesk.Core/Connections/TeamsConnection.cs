namespace AutomationDesk.Core.Connections;

/// <summary>
/// A Microsoft Teams channel's incoming webhook (a Workflows webhook or a legacy connector). Teams offers no read-only
/// call on a webhook URL, so the test posts a short message only when the Admin ticks <c>sendTestMessage</c>; otherwise
/// it checks that the URL is an https address on a host Teams uses and says plainly that nothing was sent.
/// </summary>
public sealed class TeamsConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "teams",
    Label = "Microsoft Teams webhook",
    Description = "Posts to a Teams channel through its incoming webhook URL (a Workflows webhook, or a legacy connector).",
    DocsUrl = "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
    TestDescription = "Teams has no read-only call: checks the URL, or posts a short test message when 'Send a test message' is ticked.",
    BaseUrlSecret = WebhookField,
    Fields =
    [
        new ConnectionField(WebhookField, "Webhook URL", ConnectionFieldKind.Secret) { Required = true },
        new ConnectionField(SendTestMessageField, "Send a test message", ConnectionFieldKind.Flag)
        {
            Help = "The test then posts \"AutomationDesk connection test\" to the channel; otherwise it only checks the URL.",
        },
    ],
    Test = new HttpTestCall("POST", "")
    {
        JsonBody = """{"text":"AutomationDesk connection test: this channel's webhook works."}""",
        // A legacy connector answers 200 with "1"; a Workflows (Power Automate) webhook answers 202 Accepted.
        SuccessStatuses = [200, 202],
        // A legacy connector can answer 200 with an error text in place of its usual "1".
        Refusal = a => a.Status == 200 && a.Text.Trim() is not ("" or "1") ? a.Error() : null,
        Describe = a => $"Teams accepted the test message ({a.Status}); look for it in the channel.",
    },
})
{
    private const string WebhookField = "webhookUrl";
    private const string SendTestMessageField = "sendTestMessage";

    /// <summary>The host suffixes of Teams webhooks: legacy connectors, Workflows on Logic Apps and on Power Platform.</summary>
    private static readonly string[] TeamsHosts = [".webhook.office.com", ".logic.azure.com", ".powerplatform.com"];

    public override Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        if (settings.Flag(SendTestMessageField))
        {
            return base.TestAsync(settings, ct);
        }
        var url = new Uri(settings.Secret(WebhookField) ?? "about:blank");
        return Task.FromResult(url.Scheme == Uri.UriSchemeHttps && TeamsHosts.Any(h => url.Host.EndsWith(h, StringComparison.OrdinalIgnoreCase))
            ? ConnectionTestResult.Passed($"The URL is a Teams webhook address on {url.Host}; nothing was sent, since Teams has no read-only call. Tick 'Send a test message' to post one.")
            : ConnectionTestResult.Failed($"{url.Host} is not a host Teams webhooks use ({string.Join(", ", TeamsHosts.Select(h => h.TrimStart('.')))}). Tick 'Send a test message' to try the URL anyway."));
    }
}
