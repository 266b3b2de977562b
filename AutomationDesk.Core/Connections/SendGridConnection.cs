using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Connections;

/// <summary>Twilio SendGrid's v3 API with an API key.</summary>
public sealed class SendGridConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "sendgrid",
    Label = "SendGrid",
    Description = "Twilio SendGrid's v3 API with an API key.",
    DocsUrl = "https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication",
    TestDescription = "GET /v3/scopes: lists what the key may do.",
    DefaultBaseUrl = "https://api.sendgrid.com",
    Fields = [new ConnectionField("apiKey", "API key", ConnectionFieldKind.Secret) { Required = true, Placeholder = "SG.…" }],
    Auth = s => new HttpAuth.Bearer(s.Secret("apiKey") ?? ""),
    Test = new HttpTestCall("GET", "/v3/scopes") { Describe = a => $"The key works and has {(a.Object?["scopes"] as JsonArray)?.Count ?? 0} scopes." },
});
