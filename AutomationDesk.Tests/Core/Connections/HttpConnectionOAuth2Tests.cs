using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary>
/// OAuth2 on an <c>http</c> connection against a loopback token endpoint written from RFC 6749 (§4.4 client credentials,
/// §6 refresh, §5.2 errors) and an API that takes only the tokens it issued: fetched once and cached, fetched again
/// before expiry, renewed once on a 401, a rotated refresh token kept, and every token stored encrypted.
/// </summary>
public sealed class HttpConnectionOAuth2Tests : IAsyncLifetime
{
    private const string ClientSecret = "oauth-client-secret-1";
    private const string PastedRefreshToken = "pasted-refresh-token-1";

    /// <summary>One request to the token endpoint: its Authorization header and form fields.</summary>
    private sealed record TokenRequest(string? Authorization, IReadOnlyDictionary<string, string> Form);

    private readonly ConcurrentQueue<TokenRequest> _tokenRequests = new();
    private readonly ConcurrentQueue<string?> _apiCalls = new();
    private readonly ConcurrentDictionary<string, bool> _validTokens = new();
    private string _currentRefreshToken = PastedRefreshToken;
    private bool _refuseClient;
    private int _issued;
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/oauth/token", async (HttpContext http) =>
            {
                var form = (await http.Request.ReadFormAsync(http.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString());
                _tokenRequests.Enqueue(new TokenRequest(http.Request.Headers.Authorization.FirstOrDefault(), form));
                if (_refuseClient)
                {
                    return Results.Json(new { error = "invalid_client", error_description = "Client authentication failed" }, statusCode: 401);
                }
                var n = Interlocked.Increment(ref _issued);
                var access = $"issued-access-token-{n}";
                _validTokens[access] = true;
                if (form.GetValueOrDefault("grant_type") == "refresh_token")
                {
                    if (form.GetValueOrDefault("refresh_token") != _currentRefreshToken)
                    {
                        return Results.Json(new { error = "invalid_grant", error_description = "The refresh token is not valid" }, statusCode: 400);
                    }
                    _currentRefreshToken = $"rotated-refresh-token-{n}";
                    return Results.Json(new { access_token = access, token_type = "Bearer", expires_in = 3600, refresh_token = _currentRefreshToken });
                }
                return Results.Json(new { access_token = access, token_type = "Bearer", expires_in = 3600 });
            });
            app.MapGet("/api/me", (HttpContext http) =>
            {
                var authorization = http.Request.Headers.Authorization.FirstOrDefault();
                _apiCalls.Enqueue(authorization);
                return authorization is { } value && value.StartsWith("Bearer ", StringComparison.Ordinal) && _validTokens.GetValueOrDefault(value[7..])
                    ? Results.Json(new { name = "desk" })
                    : Results.Json(new { error = "invalid_token" }, statusCode: 401);
            });
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private async Task CreateAsync(string auth, JsonObject? more = null, Dictionary<string, string?>? secrets = null)
    {
        var config = new JsonObject
        {
            ["baseUrl"] = _server.Url("/api"),
            ["auth"] = auth,
            ["tokenUrl"] = _server.Url("/oauth/token"),
            ["clientId"] = "desk client",
            ["scopes"] = "read write",
            ["testPath"] = "/me",
        };
        foreach (var (key, value) in more ?? [])
        {
            config[key] = value?.DeepClone();
        }
        await _desk.Get<ConnectionStore>().CreateAsync(
            new ConnectionInput("api", "http", config, secrets ?? new() { ["clientSecret"] = ClientSecret }), Actor.System, CancellationToken.None);
    }

    private async Task<ConnectionTestResult> TestAsync() => (await _desk.Get<ConnectionTester>().TestAsync("api", CancellationToken.None))!;

    [Fact]
    public async Task HttpConnection_client_credentials_are_exchanged_once_and_the_token_is_reused()
    {
        await CreateAsync("oauth2-client-credentials");

        var first = await TestAsync();
        var second = await TestAsync();

        Assert.True(first.Ok, first.Detail);
        Assert.True(second.Ok, second.Detail);
        var request = Assert.Single(_tokenRequests);
        // RFC 6749 §2.3.1: id and secret form-encoded, joined with a colon, base64-encoded.
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"desk%20client:{ClientSecret}")), request.Authorization);
        Assert.Equal("client_credentials", request.Form["grant_type"]);
        Assert.Equal("read write", request.Form["scope"]);
        Assert.False(request.Form.ContainsKey("client_secret"));
        Assert.Equal(["Bearer issued-access-token-1", "Bearer issued-access-token-1"], _apiCalls);
    }

    [Fact]
    public async Task HttpConnection_token_is_fetched_again_a_minute_before_it_expires()
    {
        await CreateAsync("oauth2-client-credentials");
        await TestAsync();

        _desk.Time.Advance(TimeSpan.FromSeconds(3600) - OAuth2Tokens.Early - TimeSpan.FromSeconds(10));
        await TestAsync();
        Assert.Single(_tokenRequests);

        _desk.Time.Advance(TimeSpan.FromSeconds(10));
        var result = await TestAsync();

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(2, _tokenRequests.Count);
        Assert.Equal("Bearer issued-access-token-2", _apiCalls.Last());
    }

    [Fact]
    public async Task HttpConnection_client_secret_post_sends_the_client_credentials_in_the_form()
    {
        await CreateAsync("oauth2-client-credentials", new JsonObject { ["clientAuth"] = "post" });

        await TestAsync();

        var request = Assert.Single(_tokenRequests);
        Assert.Null(request.Authorization);
        Assert.Equal("desk client", request.Form["client_id"]);
        Assert.Equal(ClientSecret, request.Form["client_secret"]);
    }

    [Fact]
    public async Task HttpConnection_refresh_token_grant_uses_the_pasted_token_then_the_rotated_one()
    {
        await CreateAsync("oauth2-code", secrets: new() { ["clientSecret"] = ClientSecret, ["refreshToken"] = PastedRefreshToken });

        var first = await TestAsync();
        _desk.Time.Advance(TimeSpan.FromHours(1));
        var second = await TestAsync();

        Assert.True(first.Ok, first.Detail);
        Assert.True(second.Ok, second.Detail);
        var requests = _tokenRequests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("refresh_token", r.Form["grant_type"]));
        Assert.Equal(PastedRefreshToken, requests[0].Form["refresh_token"]);
        Assert.Equal("rotated-refresh-token-1", requests[1].Form["refresh_token"]);
        var stored = await _desk.Get<ConnectionStore>().TokensAsync("api", CancellationToken.None);
        Assert.Equal("rotated-refresh-token-2", (string?)stored!["refreshToken"]);
    }

    [Fact]
    public async Task HttpConnection_token_refused_with_401_is_renewed_once_and_the_call_repeated()
    {
        await CreateAsync("oauth2-client-credentials");
        await TestAsync();
        _validTokens["issued-access-token-1"] = false;

        var result = await TestAsync();

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(2, _tokenRequests.Count);
        Assert.Equal(["Bearer issued-access-token-1", "Bearer issued-access-token-1", "Bearer issued-access-token-2"], _apiCalls);
    }

    [Fact]
    public async Task HttpConnection_tokens_are_stored_encrypted()
    {
        await CreateAsync("oauth2-code", secrets: new() { ["refreshToken"] = PastedRefreshToken });

        await TestAsync();

        await using var db = _desk.NewDb();
        var row = await db.Connections.AsNoTracking().SingleAsync(c => c.Name == "api");
        Assert.NotNull(row.ProtectedTokens);
        Assert.DoesNotContain("issued-access-token-1", row.ProtectedTokens, StringComparison.Ordinal);
        Assert.DoesNotContain("rotated-refresh-token-1", row.ProtectedTokens, StringComparison.Ordinal);
        Assert.DoesNotContain(PastedRefreshToken, row.ProtectedSecrets, StringComparison.Ordinal);
        var stored = await _desk.Get<ConnectionStore>().TokensAsync("api", CancellationToken.None);
        Assert.Equal("issued-access-token-1", (string?)stored!["accessToken"]);
        // A public client (no secret) names itself in the form.
        Assert.Equal("desk client", Assert.Single(_tokenRequests).Form["client_id"]);
    }

    [Fact]
    public async Task HttpConnection_token_endpoint_refusal_is_named_in_the_test()
    {
        await CreateAsync("oauth2-client-credentials", new JsonObject { ["testPath"] = null });
        _refuseClient = true;

        var result = await TestAsync();

        Assert.False(result.Ok);
        Assert.Contains("answered 401 to the client_credentials request: invalid_client (Client authentication failed)", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientSecret, result.Detail, StringComparison.Ordinal);
        Assert.Empty(_apiCalls);
    }
}
