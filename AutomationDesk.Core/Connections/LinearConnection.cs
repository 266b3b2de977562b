using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>Linear's GraphQL API with a personal API key, sent as the Authorization header without a "Bearer" prefix.</summary>
public sealed class LinearConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "linear",
    Label = "Linear",
    Description = "Linear's GraphQL API (POST /graphql) with a personal API key.",
    DocsUrl = "https://linear.app/developers/graphql",
    TestDescription = "POST /graphql asking for the viewer: says who the key belongs to.",
    DefaultBaseUrl = "https://api.linear.app",
    Fields = [new ConnectionField("apiKey", "API key", ConnectionFieldKind.Secret) { Required = true, Placeholder = "lin_api_…" }],
    // Linear takes a personal key as the whole header value; "Bearer" is for OAuth tokens only.
    Auth = s => new HttpAuth.Header("Authorization", s.Secret("apiKey") ?? ""),
    Test = new HttpTestCall("POST", "/graphql")
    {
        JsonBody = """{"query":"{ viewer { id name } }"}""",
        Refusal = a => a.Object?["data"]?["viewer"] is JsonObject ? null : a.Error(),
        Describe = a => $"Signed in as {a.Object?["data"]?["viewer"]?["name"].TextOrNull() ?? "an unnamed user"}.",
    },
});
