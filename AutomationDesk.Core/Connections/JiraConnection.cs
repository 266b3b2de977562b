using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>Jira Cloud's REST API with an Atlassian account's email and API token (basic auth).</summary>
public sealed class JiraConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "jira",
    Label = "Jira",
    Description = "Jira Cloud's REST API with your Atlassian email and an API token.",
    DocsUrl = "https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/",
    TestDescription = "GET /rest/api/3/myself with basic auth: says who it signs in as.",
    DefaultBaseUrl = "",
    Fields =
    [
        new ConnectionField("email", "Atlassian account email") { Required = true, Placeholder = "you@example.com" },
        new ConnectionField("apiToken", "API token", ConnectionFieldKind.Secret) { Required = true },
    ],
    Auth = s => new HttpAuth.Basic(s.Text("email") ?? "", s.Secret("apiToken") ?? ""),
    Test = new HttpTestCall("GET", "/rest/api/3/myself")
    {
        Describe = a => $"Signed in as {a.Object?["displayName"].TextOrNull() ?? a.Object?["emailAddress"].TextOrNull() ?? "an unnamed user"}.",
    },
});
