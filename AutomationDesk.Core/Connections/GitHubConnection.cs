using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>GitHub's REST API with a personal access token (classic or fine-grained) or an app token.</summary>
public sealed class GitHubConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "github",
    Label = "GitHub",
    Description = "GitHub's REST API (or GitHub Enterprise Server's, at https://HOST/api/v3) with a token.",
    DocsUrl = "https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api",
    TestDescription = "GET /user with the token: says who it signs in as.",
    DefaultBaseUrl = "https://api.github.com",
    Fields = [new ConnectionField("token", "Token", ConnectionFieldKind.Secret) { Required = true, Placeholder = "github_pat_…" }],
    Auth = s => new HttpAuth.Bearer(s.Secret("token") ?? ""),
    Headers = [new("Accept", "application/vnd.github+json"), new("X-GitHub-Api-Version", "2022-11-28")],
    Test = new HttpTestCall("GET", "/user") { Describe = a => $"Signed in as {a.Object?["login"].TextOrNull() ?? "an unnamed user"}." },
});
