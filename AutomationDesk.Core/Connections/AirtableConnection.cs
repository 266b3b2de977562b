using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>Airtable's Web API with a personal access token.</summary>
public sealed class AirtableConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "airtable",
    Label = "Airtable",
    Description = "Airtable's Web API with a personal access token.",
    DocsUrl = "https://airtable.com/developers/web/api/authentication",
    TestDescription = "GET /v0/meta/whoami: says which user the token acts for.",
    DefaultBaseUrl = "https://api.airtable.com",
    Fields = [new ConnectionField("token", "Personal access token", ConnectionFieldKind.Secret) { Required = true, Placeholder = "pat…" }],
    Auth = s => new HttpAuth.Bearer(s.Secret("token") ?? ""),
    Test = new HttpTestCall("GET", "/v0/meta/whoami")
    {
        Describe = a => $"Signed in as {a.Object?["email"].TextOrNull() ?? a.Object?["id"].TextOrNull() ?? "an unnamed user"}.",
    },
});
