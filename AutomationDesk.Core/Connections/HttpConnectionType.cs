using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// Any HTTP API: a base URL and one auth scheme. Bearer, basic, a header or a query parameter carry a token the Admin
/// pastes; the OAuth2 schemes let the desk fetch and renew tokens itself (client credentials, or a refresh token
/// obtained elsewhere through the authorization code flow).
/// </summary>
public sealed class HttpConnectionType(HttpConnectionClient client, OAuth2Tokens tokens) : ConnectionType, IHttpConnectionType
{
    public const string None = "none";
    public const string Bearer = "bearer";
    public const string Basic = "basic";
    public const string Header = "header";
    public const string Query = "query";
    public const string ClientCredentials = "oauth2-client-credentials";
    public const string AuthorizationCode = "oauth2-code";

    private static readonly string[] Schemes = [None, Bearer, Basic, Header, Query, ClientCredentials, AuthorizationCode];
    private static readonly string[] OAuth2 = [ClientCredentials, AuthorizationCode];

    public override string Name => "http";
    public override string Label => "HTTP API";
    public override string Description => "Any HTTP API: a base URL and its auth (none, bearer, basic, a header, a query parameter or OAuth2).";
    public override string? DocsUrl => "https://www.rfc-editor.org/rfc/rfc6749";
    public override string TestDescription => "GET the test path (or the base URL) with the auth; for OAuth2, fetches a token first.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        new("baseUrl", "Base URL", ConnectionFieldKind.Url) { Required = true, Placeholder = "https://api.example.com/v1" },
        new("auth", "Auth", ConnectionFieldKind.Choice) { Choices = Schemes, Default = None },
        new("headerName", "Header name") { Required = true, Placeholder = "X-API-Key", ShownWhen = ("auth", [Header]) },
        new("queryName", "Query parameter") { Required = true, Placeholder = "api_key", ShownWhen = ("auth", [Query]) },
        new("userName", "User name") { Required = true, ShownWhen = ("auth", [Basic]) },
        new("tokenUrl", "Token URL", ConnectionFieldKind.Url) { Required = true, Placeholder = "https://auth.example.com/oauth/token", ShownWhen = ("auth", OAuth2) },
        new("clientId", "Client ID") { Required = true, ShownWhen = ("auth", OAuth2) },
        new("clientAuth", "Client authentication", ConnectionFieldKind.Choice)
        {
            Choices = ["basic", "post"], Default = "basic", ShownWhen = ("auth", OAuth2),
            Help = "basic: the client id and secret in an Authorization header (the standard); post: in the form body, for servers that take only that.",
        },
        new("scopes", "Scopes") { Placeholder = "read write", Help = "Separated by spaces.", ShownWhen = ("auth", OAuth2) },
        new("testPath", "Test path") { Placeholder = "/me", Help = "A read-only path the test GETs; empty GETs the base URL (for OAuth2: only fetches a token)." },
        new("token", "Token", ConnectionFieldKind.Secret) { Required = true, ShownWhen = ("auth", [Bearer, Header, Query]) },
        new("password", "Password", ConnectionFieldKind.Secret) { Required = true, ShownWhen = ("auth", [Basic]) },
        new("clientSecret", "Client secret", ConnectionFieldKind.Secret)
        {
            ShownWhen = ("auth", OAuth2), Help = "Required for client credentials; a public client of the authorization code flow has none.",
        },
        new("refreshToken", "Refresh token", ConnectionFieldKind.Secret)
        {
            Required = true, ShownWhen = ("auth", [AuthorizationCode]),
            Help = "Obtained through the service's authorization code flow; the desk exchanges it for access tokens and keeps the new one the server may send.",
        },
    ];

    public override IEnumerable<(string Field, string Message)> Validate(ConnectionSettings settings)
    {
        foreach (var problem in base.Validate(settings))
        {
            yield return problem;
        }
        if (settings.Text("auth") == Header && settings.Text("headerName") is { } name && OutgoingHeaders.Refusal(name, null) is { } refusal)
        {
            yield return ("config.headerName", refusal);
        }
        if (settings.Text("auth") == ClientCredentials && settings.Secret("clientSecret") is null)
        {
            yield return ("secrets.clientSecret", "Required.");
        }
    }

    public HttpAccess AccessOf(ConnectionSettings settings)
    {
        string Secret(string field) => settings.Secret(field) ?? "";
        HttpAuth auth = settings.TextOr("auth", None) switch
        {
            Bearer => new HttpAuth.Bearer(Secret("token")),
            Basic => new HttpAuth.Basic(settings.Text("userName") ?? "", Secret("password")),
            Header => new HttpAuth.Header(settings.Text("headerName") ?? "", Secret("token")),
            Query => new HttpAuth.Query(settings.Text("queryName") ?? "", Secret("token")),
            ClientCredentials or AuthorizationCode => new HttpAuth.OAuth2(GrantOf(settings)),
            _ => HttpAuth.None,
        };
        return new HttpAccess(settings.BaseUrl(), auth);
    }

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        var access = AccessOf(settings);
        var testPath = settings.Text("testPath");
        if (testPath is null && access.Auth is HttpAuth.OAuth2 oauth)
        {
            await tokens.AccessTokenAsync(settings, oauth.Grant, renew: false, ct);
            return ConnectionTestResult.Passed($"Got an access token from {new Uri(oauth.Grant.TokenUrl).Host}.");
        }
        var call = new HttpTestCall("GET", testPath ?? "");
        using var response = await client.SendAsync(settings, access, () => call.ToMessage(access.BaseUrl!, settings), ct);
        var answer = await HttpAnswer.ReadAsync(response, ct);
        var what = $"GET {testPath ?? "the base URL"}";
        return answer.Status is >= 200 and < 300
            ? ConnectionTestResult.Passed($"{what} answered {answer.Status} {answer.Reason}.")
            : ConnectionTestResult.Failed($"{what} answered {answer.Status} {answer.Reason}: {answer.Error()}");
    }

    private static OAuth2Grant GrantOf(ConnectionSettings settings) => new(
        settings.Text("auth") == AuthorizationCode ? OAuth2GrantKind.RefreshToken : OAuth2GrantKind.ClientCredentials,
        settings.Text("tokenUrl") ?? "", settings.Text("clientId") ?? "", settings.Secret("clientSecret"))
    {
        Scopes = settings.Text("scopes"),
        RefreshToken = settings.Secret("refreshToken"),
        SecretInBody = settings.Text("clientAuth") == "post",
    };
}
