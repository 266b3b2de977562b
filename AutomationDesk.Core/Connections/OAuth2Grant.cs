namespace AutomationDesk.Core.Connections;

/// <summary>How the desk gets an OAuth2 access token for a connection (RFC 6749).</summary>
public enum OAuth2GrantKind
{
    /// <summary>§4.4: the client's own credentials buy a token.</summary>
    ClientCredentials,

    /// <summary>§6: a refresh token the Admin obtained elsewhere (authorization code flow) buys a token, and maybe a new refresh token.</summary>
    RefreshToken,
}

/// <summary>
/// One connection's OAuth2 settings. The client authenticates with HTTP Basic (§2.3.1), or with its id and secret in the
/// form body when <see cref="SecretInBody"/> (<c>client_secret_post</c>, for servers that take only that).
/// </summary>
public sealed record OAuth2Grant(OAuth2GrantKind Kind, string TokenUrl, string ClientId, string? ClientSecret)
{
    public string? Scopes { get; init; }
    public string? RefreshToken { get; init; }
    public bool SecretInBody { get; init; }

    public sealed override string ToString() => $"{Kind} at {TokenUrl}";
}
