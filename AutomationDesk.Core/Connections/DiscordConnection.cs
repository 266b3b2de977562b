using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>A Discord channel's webhook: the URL is the credential, so it is kept as a secret and is the base URL.</summary>
public sealed class DiscordConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "discord",
    Label = "Discord webhook",
    Description = "Posts to a Discord channel through its webhook URL (Server settings → Integrations → Webhooks).",
    DocsUrl = "https://discord.com/developers/docs/resources/webhook#execute-webhook",
    TestDescription = "GET the webhook URL, which answers with the webhook's name without posting anything.",
    BaseUrlSecret = "webhookUrl",
    Fields = [new ConnectionField("webhookUrl", "Webhook URL", ConnectionFieldKind.Secret) { Required = true, Placeholder = "https://discord.com/api/webhooks/…/…" }],
    Test = new HttpTestCall("GET", "") { Describe = a => $"The webhook '{a.Object?["name"].TextOrNull() ?? "(unnamed)"}' exists; nothing was posted." },
});
