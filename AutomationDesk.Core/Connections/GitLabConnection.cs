using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>GitLab's REST API (gitlab.com or self-managed) with a personal, project or group access token.</summary>
public sealed class GitLabConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "gitlab",
    Label = "GitLab",
    Description = "GitLab's REST API v4 with an access token; point the base URL at a self-managed instance's /api/v4.",
    DocsUrl = "https://docs.gitlab.com/api/rest/authentication/",
    TestDescription = "GET /user with the PRIVATE-TOKEN header: says who it signs in as.",
    DefaultBaseUrl = "https://gitlab.com/api/v4",
    Fields = [new ConnectionField("token", "Access token", ConnectionFieldKind.Secret) { Required = true, Placeholder = "glpat-…" }],
    Auth = s => new HttpAuth.Header("PRIVATE-TOKEN", s.Secret("token") ?? ""),
    Test = new HttpTestCall("GET", "/user") { Describe = a => $"Signed in as {a.Object?["username"].TextOrNull() ?? "an unnamed user"}." },
});
