using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// OAuth2 access tokens of connections: fetched by the desk from the connection's token endpoint, kept encrypted with
/// the connection (<see cref="ConnectionStore.SaveTokensAsync"/>) with their expiry, fetched again a minute before they
/// expire or when the service refused one (a 401). A refresh token the server rotates is kept in place of the pasted
/// one. Tokens never go into a log or an error; the token endpoint's own error code and description do. The store comes
/// lazily because it knows every connection type, and the HTTP types use these tokens.
/// </summary>
public sealed class OAuth2Tokens(Lazy<ConnectionStore> connections, ConnectionHttp http, TimeProvider time)
{
    /// <summary>How long before its expiry a token is replaced, so a call does not set off with a token about to lapse.</summary>
    public static readonly TimeSpan Early = TimeSpan.FromMinutes(1);

    private const string AccessTokenKey = "accessToken";
    private const string ExpiresAtKey = "expiresAt";
    private const string RefreshTokenKey = "refreshToken";

    // One fetch at a time per connection: parallel steps share one token instead of each buying their own.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>A usable access token: the cached one unless it is (nearly) expired or <paramref name="renew"/> is set.</summary>
    public async Task<string> AccessTokenAsync(ConnectionSettings settings, OAuth2Grant grant, bool renew, CancellationToken ct)
    {
        var store = connections.Value;
        var gate = _gates.GetOrAdd(settings.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var cached = await store.TokensAsync(settings.Name, ct);
            if (!renew && cached?[AccessTokenKey].TextOrNull() is { } token && !Expired(cached))
            {
                return token;
            }
            var refreshToken = cached?[RefreshTokenKey].TextOrNull() ?? grant.RefreshToken;
            var fetched = await FetchAsync(settings, grant, refreshToken, ct);
            await store.SaveTokensAsync(settings.Name, fetched, ct);
            return fetched[AccessTokenKey]!.GetValue<string>();
        }
        finally
        {
            gate.Release();
        }
    }

    private bool Expired(JsonObject cached) =>
        cached[ExpiresAtKey] is JsonValue value && value.TryGetValue<long>(out var expiresAt)
        && time.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(expiresAt) - Early;

    private async Task<JsonObject> FetchAsync(ConnectionSettings settings, OAuth2Grant grant, string? refreshToken, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (grant.Kind == OAuth2GrantKind.RefreshToken)
        {
            form.Add(new("grant_type", "refresh_token"));
            form.Add(new("refresh_token", refreshToken
                ?? throw new StepFailedException($"The connection '{settings.Name}' has no refresh token; an Admin pastes one into its settings.")));
        }
        else
        {
            form.Add(new("grant_type", "client_credentials"));
        }
        if (grant.Scopes is { Length: > 0 } scopes)
        {
            form.Add(new("scope", scopes));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, grant.TokenUrl);
        if (grant.ClientSecret is { } secret && !grant.SecretInBody)
        {
            // RFC 6749 §2.3.1: the id and the secret are form-encoded before they are joined and base64-encoded.
            var pair = $"{Uri.EscapeDataString(grant.ClientId)}:{Uri.EscapeDataString(secret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            form.Add(new("client_id", grant.ClientId));
            if (grant.ClientSecret is { } inBody)
            {
                form.Add(new("client_secret", inBody));
            }
        }
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var endpoint = request.RequestUri!.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        using var response = await http.SendAsync(request, settings, ct);
        var answer = await HttpAnswer.ReadAsync(response, ct);
        var accessToken = answer.Object?["access_token"].TextOrNull();
        if (!response.IsSuccessStatusCode || accessToken is null)
        {
            var why = answer.Object?["error"].TextOrNull() is { } error
                ? error + (answer.Object["error_description"].TextOrNull() is { } description ? $" ({HttpAnswer.Short(description)})" : "")
                : answer.Error();
            throw new StepFailedException($"The token endpoint {endpoint} answered {answer.Status} to the {GrantName(grant.Kind)} request: {why}.")
            {
                Transient = answer.Status is 408 or 429 or >= 500,
            };
        }
        var tokens = new JsonObject { [AccessTokenKey] = accessToken };
        if (ExpiresIn(answer.Object!["expires_in"]) is { } seconds)
        {
            tokens[ExpiresAtKey] = (time.GetUtcNow() + TimeSpan.FromSeconds(seconds)).ToUnixTimeSeconds();
        }
        if (grant.Kind == OAuth2GrantKind.RefreshToken)
        {
            tokens[RefreshTokenKey] = answer.Object["refresh_token"].TextOrNull() ?? refreshToken;
        }
        return tokens;
    }

    /// <summary><c>expires_in</c> in seconds; some servers send it as a string.</summary>
    private static long? ExpiresIn(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) => n,
        _ when node.TextOrNull() is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static string GrantName(OAuth2GrantKind kind) => kind == OAuth2GrantKind.RefreshToken ? "refresh_token" : "client_credentials";
}
