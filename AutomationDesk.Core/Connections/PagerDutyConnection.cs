using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Connections;

/// <summary>PagerDuty's REST API v2 with an API key (<c>Authorization: Token token=…</c>).</summary>
public sealed class PagerDutyConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "pagerduty",
    Label = "PagerDuty",
    Description = "PagerDuty's REST API v2 with a general or user API key (not the Events API's routing key).",
    DocsUrl = "https://developer.pagerduty.com/docs/authentication",
    TestDescription = "GET /abilities: lists the account's abilities, which any valid key may read.",
    DefaultBaseUrl = "https://api.pagerduty.com",
    Fields = [new ConnectionField("apiKey", "API key", ConnectionFieldKind.Secret) { Required = true }],
    Auth = s => new HttpAuth.Header("Authorization", $"Token token={s.Secret("apiKey")}"),
    Headers = [new("Accept", "application/vnd.pagerduty+json;version=2")],
    Test = new HttpTestCall("GET", "/abilities") { Describe = a => $"The key works; the account has {(a.Object?["abilities"] as JsonArray)?.Count ?? 0} abilities." },
});
