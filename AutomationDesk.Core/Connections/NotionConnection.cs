using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>Notion's API with an integration's secret; every request names the API version it was written for.</summary>
public sealed class NotionConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "notion",
    Label = "Notion",
    Description = "Notion's API with an internal integration secret (Notion-Version 2022-06-28).",
    DocsUrl = "https://developers.notion.com/reference/authentication",
    TestDescription = "GET /v1/users/me: says which integration (bot) the secret belongs to.",
    DefaultBaseUrl = "https://api.notion.com",
    Fields = [new ConnectionField("token", "Integration secret", ConnectionFieldKind.Secret) { Required = true, Placeholder = "ntn_…" }],
    Auth = s => new HttpAuth.Bearer(s.Secret("token") ?? ""),
    Headers = [new("Notion-Version", "2022-06-28")],
    Test = new HttpTestCall("GET", "/v1/users/me") { Describe = a => $"Signed in as the integration {a.Object?["name"].TextOrNull() ?? "(unnamed)"}." },
});
