using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Core.Connections.ServiceDouble;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary>
/// Every HTTP connection type's test call (presets, <c>http</c>, the AI, n8n and ComfyUI types), against a loopback stand-in for its service: the request it sends (method,
/// path, the exact credentials) and what it makes of the service's answer, success and a refusal per auth family.
/// Another HTTP type joins by adding rows to <see cref="Table"/>; <see cref="Every_HTTP_connection_type_has_a_row_whose_test_passes"/>
/// notices a type without one.
/// </summary>
public sealed class ConnectionTestCallTests : IAsyncLifetime
{
    /// <summary>Stands for the loopback server's base URL (no trailing slash) in a row's config and secrets.</summary>
    private const string Server = "{server}";

    /// <summary>
    /// One connection and its test: <see cref="Path"/> is where its call must land (null: the test must send nothing),
    /// <see cref="Headers"/> the exact values it must carry there, <see cref="Reply"/> the service's answer, and
    /// <see cref="Detail"/> a part of what the test must say.
    /// </summary>
    public sealed record Row(string Name, string Type, JsonObject Config, Dictionary<string, string?> Secrets, string Method, string? Path,
        Dictionary<string, string> Headers, Answer Reply, bool Ok, string Detail)
    {
        public string? Body { get; init; }

        /// <summary>How many calls reach the service: an OAuth2 token refused with 401 is renewed and the call sent once more.</summary>
        public int Calls { get; init; } = 1;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static JsonObject At(string baseUrl, JsonObject? more = null)
    {
        var config = new JsonObject { ["baseUrl"] = baseUrl };
        foreach (var (key, value) in more ?? [])
        {
            config[key] = value?.DeepClone();
        }
        return config;
    }

    private static Dictionary<string, string?> Secret(string name, string value) => new() { [name] = value };

    private static Dictionary<string, string> Auth(string value) => new() { ["authorization"] = value };

    public static readonly IReadOnlyList<Row> Table =
    [
        new("github", "github", At(Server), Secret("token", "ghp_test_token_1"), "GET", "/user",
            new() { ["authorization"] = "Bearer ghp_test_token_1", ["accept"] = "application/vnd.github+json", ["x-github-api-version"] = "2022-11-28" },
            new(200, """{"login":"octocat","id":1}"""), true, "Signed in as octocat"),
        new("github refused (bearer)", "github", At(Server), Secret("token", "ghp_test_token_1"), "GET", "/user", Auth("Bearer ghp_test_token_1"),
            new(401, """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"""), false, "answered 401 Unauthorized: Bad credentials"),
        new("gitlab", "gitlab", At(Server + "/api/v4"), Secret("token", "glpat-test-token-1"), "GET", "/api/v4/user",
            new() { ["private-token"] = "glpat-test-token-1" }, new(200, """{"id":1,"username":"tanuki"}"""), true, "Signed in as tanuki"),
        new("gitlab refused (header)", "gitlab", At(Server + "/api/v4"), Secret("token", "glpat-test-token-1"), "GET", "/api/v4/user",
            new() { ["private-token"] = "glpat-test-token-1" }, new(401, """{"message":"401 Unauthorized"}"""), false, "answered 401 Unauthorized: 401 Unauthorized"),
        new("jira", "jira", At(Server, new() { ["email"] = "me@example.com" }), Secret("apiToken", "jira-api-token-1"), "GET", "/rest/api/3/myself",
            Auth(Basic("me@example.com", "jira-api-token-1")), new(200, """{"accountId":"5b10","displayName":"Mia Krystof"}"""), true, "Signed in as Mia Krystof"),
        new("jira refused (basic)", "jira", At(Server, new() { ["email"] = "me@example.com" }), Secret("apiToken", "jira-api-token-1"), "GET", "/rest/api/3/myself",
            Auth(Basic("me@example.com", "jira-api-token-1")), new(401, "Client must be authenticated to access this resource.", "text/plain"), false,
            "answered 401 Unauthorized: Client must be authenticated"),
        new("linear", "linear", At(Server), Secret("apiKey", "lin_api_test_key_1"), "POST", "/graphql", Auth("lin_api_test_key_1"),
            new(200, """{"data":{"viewer":{"id":"u1","name":"Ada Lovelace"}}}"""), true, "Signed in as Ada Lovelace")
        {
            Body = """{"query":"{ viewer { id name } }"}""",
        },
        new("linear refused", "linear", At(Server), Secret("apiKey", "lin_api_test_key_1"), "POST", "/graphql", Auth("lin_api_test_key_1"),
            new(400, """{"errors":[{"message":"Authentication required, not authenticated","extensions":{"code":"AUTHENTICATION_ERROR"}}]}"""), false,
            "Authentication required, not authenticated"),
        new("notion", "notion", At(Server), Secret("token", "ntn_test_secret_1"), "GET", "/v1/users/me",
            new() { ["authorization"] = "Bearer ntn_test_secret_1", ["notion-version"] = "2022-06-28" },
            new(200, """{"object":"user","id":"16d8","name":"pied piper","type":"bot","bot":{}}"""), true, "integration pied piper"),
        new("airtable", "airtable", At(Server), Secret("token", "pat_test_token_1"), "GET", "/v0/meta/whoami", Auth("Bearer pat_test_token_1"),
            new(200, """{"id":"usrL2PNC5o3H4lBEi","scopes":["data.records:read"],"email":"foo@bar.com"}"""), true, "Signed in as foo@bar.com"),
        new("stripe", "stripe", At(Server), Secret("secretKey", "sk_test_key_1"), "GET", "/v1/balance", Auth("Bearer sk_test_key_1"),
            new(200, """{"object":"balance","available":[],"livemode":false}"""), true, "test mode"),
        new("stripe refused", "stripe", At(Server), Secret("secretKey", "sk_test_key_1"), "GET", "/v1/balance", Auth("Bearer sk_test_key_1"),
            new(401, """{"error":{"message":"Invalid API Key provided: sk_test_***","type":"invalid_request_error"}}"""), false, "Invalid API Key provided"),
        new("twilio", "twilio", At(Server, new() { ["accountSid"] = "AC0123456789" }), Secret("authToken", "twilio-auth-token-1"), "GET",
            "/2010-04-01/Accounts/AC0123456789.json", Auth(Basic("AC0123456789", "twilio-auth-token-1")),
            new(200, """{"sid":"AC0123456789","friendly_name":"Shop","status":"active"}"""), true, "Account Shop is active"),
        new("sendgrid", "sendgrid", At(Server), Secret("apiKey", "SG.test-key-1"), "GET", "/v3/scopes", Auth("Bearer SG.test-key-1"),
            new(200, """{"scopes":["mail.send","alerts.read"]}"""), true, "has 2 scopes"),
        new("pagerduty", "pagerduty", At(Server), Secret("apiKey", "pd-test-key-1"), "GET", "/abilities",
            new() { ["authorization"] = "Token token=pd-test-key-1", ["accept"] = "application/vnd.pagerduty+json;version=2" },
            new(200, """{"abilities":["sso","teams"]}"""), true, "2 abilities"),
        new("pagerduty refused (token header)", "pagerduty", At(Server), Secret("apiKey", "pd-test-key-1"), "GET", "/abilities", Auth("Token token=pd-test-key-1"),
            new(401, """{"error":{"message":"Unauthorized","code":2006}}"""), false, "answered 401 Unauthorized: Unauthorized"),
        new("telegram", "telegram", At(Server), Secret("botToken", "123456:ABC-test-token"), "GET", "/bot123456:ABC-test-token/getMe", [],
            new(200, """{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Desk","username":"desk_bot"}}"""), true, "@desk_bot"),
        new("telegram refused (token in path)", "telegram", At(Server), Secret("botToken", "123456:ABC-test-token"), "GET", "/bot123456:ABC-test-token/getMe", [],
            new(401, """{"ok":false,"error_code":401,"description":"Unauthorized"}"""), false, "answered 401 Unauthorized: Unauthorized"),
        new("discord", "discord", [], Secret("webhookUrl", Server + "/api/webhooks/1234/discord-webhook-token"), "GET", "/api/webhooks/1234/discord-webhook-token", [],
            new(200, """{"id":"1234","type":1,"name":"Deploys","channel_id":"1999","token":"discord-webhook-token"}"""), true, "The webhook 'Deploys' exists"),
        new("discord refused (webhook URL)", "discord", [], Secret("webhookUrl", Server + "/api/webhooks/1234/discord-webhook-token"), "GET",
            "/api/webhooks/1234/discord-webhook-token", [], new(401, """{"message":"Invalid Webhook Token","code":50027}"""), false, "Invalid Webhook Token"),
        new("slack webhook", "slack", [], Secret("webhookUrl", Server + "/services/T000/B000/slack-hook-secret"), "POST", "/services/T000/B000/slack-hook-secret", [],
            new(400, "invalid_payload", "text/html"), true, "nothing was posted") { Body = "{}" },
        new("slack webhook gone", "slack", [], Secret("webhookUrl", Server + "/services/T000/B000/slack-hook-secret"), "POST", "/services/T000/B000/slack-hook-secret", [],
            new(404, "no_service", "text/html"), false, "answered 404 Not Found: no_service"),
        new("slack webhook bad token", "slack", [], Secret("webhookUrl", Server + "/services/T000/B000/slack-hook-secret"), "POST", "/services/T000/B000/slack-hook-secret", [],
            new(403, "invalid_token", "text/html"), false, "invalid_token"),
        new("slack bot", "slack", At(Server + "/api"), Secret("botToken", "xoxb-test-token-1"), "POST", "/api/auth.test", Auth("Bearer xoxb-test-token-1"),
            new(200, """{"ok":true,"url":"https://subarachnoid.slack.com/","team":"Subarachnoid Workspace","user":"grace","team_id":"T12345","user_id":"W12345"}"""),
            true, "Signed in as grace in Subarachnoid Workspace"),
        new("slack bot refused (ok false)", "slack", At(Server + "/api"), Secret("botToken", "xoxb-test-token-1"), "POST", "/api/auth.test", Auth("Bearer xoxb-test-token-1"),
            new(200, """{"ok":false,"error":"invalid_auth"}"""), false, "refused: invalid_auth"),
        new("teams test message", "teams", new() { ["sendTestMessage"] = true }, Secret("webhookUrl", Server + "/workflows/teams-hook-secret"), "POST",
            "/workflows/teams-hook-secret", [], new(202, ""), true, "Teams accepted the test message"),
        new("teams URL only", "teams", [], Secret("webhookUrl", "https://contoso.webhook.office.com/webhookb2/teams-hook-secret"), "POST", null, [],
            new(500, ""), true, "nothing was sent"),
        new("teams URL on another host", "teams", [], Secret("webhookUrl", "https://hooks.example.com/teams-hook-secret"), "POST", null, [],
            new(500, ""), false, "not a host Teams webhooks use"),
        new("http none", "http", At(Server + "/v1", new() { ["testPath"] = "/status" }), [], "GET", "/v1/status", [], new(200, """{"up":true}"""), true, "answered 200 OK"),
        new("http bearer", "http", At(Server + "/v1", new() { ["auth"] = "bearer", ["testPath"] = "/me" }), Secret("token", "http-bearer-token-1"), "GET", "/v1/me",
            Auth("Bearer http-bearer-token-1"), new(200, "{}"), true, "GET /me answered 200"),
        new("http basic", "http", At(Server, new() { ["auth"] = "basic", ["userName"] = "robot" }), Secret("password", "http-password-1"), "GET", "/",
            Auth(Basic("robot", "http-password-1")), new(200, "ok", "text/plain"), true, "GET the base URL answered 200"),
        new("http basic refused", "http", At(Server, new() { ["auth"] = "basic", ["userName"] = "robot" }), Secret("password", "http-password-1"), "GET", "/",
            Auth(Basic("robot", "http-password-1")), new(401, "Unauthorized", "text/plain"), false, "answered 401 Unauthorized"),
        new("http header", "http", At(Server, new() { ["auth"] = "header", ["headerName"] = "X-API-Key", ["testPath"] = "/me" }), Secret("token", "http-header-key-1"),
            "GET", "/me", new() { ["x-api-key"] = "http-header-key-1" }, new(200, "{}"), true, "answered 200"),
        new("http query", "http", At(Server, new() { ["auth"] = "query", ["queryName"] = "api_key", ["testPath"] = "/me?v=2" }), Secret("token", "http-query-key-1"),
            "GET", "/me?v=2&api_key=http-query-key-1", [], new(200, "{}"), true, "answered 200"),
        new("http query refused", "http", At(Server, new() { ["auth"] = "query", ["queryName"] = "api_key", ["testPath"] = "/me" }), Secret("token", "http-query-key-1"),
            "GET", "/me?api_key=http-query-key-1", [], new(403, """{"detail":"Key revoked"}"""), false, "answered 403 Forbidden: Key revoked"),
        new("http oauth2 client credentials", "http",
            At(Server, new() { ["auth"] = "oauth2-client-credentials", ["tokenUrl"] = Server + TokenPath, ["clientId"] = "desk", ["testPath"] = "/me" }),
            Secret("clientSecret", "oauth-client-secret-1"), "GET", "/me", Auth("Bearer " + IssuedToken), new(200, "{}"), true, "answered 200"),
        new("http oauth2 refused", "http",
            At(Server, new() { ["auth"] = "oauth2-client-credentials", ["tokenUrl"] = Server + TokenPath, ["clientId"] = "desk", ["testPath"] = "/me" }),
            Secret("clientSecret", "oauth-client-secret-1"), "GET", "/me", Auth("Bearer " + IssuedToken), new(401, """{"error":"invalid_token"}"""), false,
            "answered 401 Unauthorized: invalid_token") { Calls = 2 },
        new("openai", "openai", At(Server + "/v1", new() { ["model"] = "gpt-4o-mini" }), Secret("apiKey", "sk-openai-test-key-1"), "GET", "/v1/models",
            Auth("Bearer sk-openai-test-key-1"), new(200, """{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1686935002,"owned_by":"openai"}]}"""),
            true, "the model 'gpt-4o-mini' is available"),
        new("openai refused (bearer)", "openai", At(Server + "/v1", new() { ["model"] = "gpt-4o-mini" }), Secret("apiKey", "sk-openai-test-key-1"), "GET", "/v1/models",
            Auth("Bearer sk-openai-test-key-1"),
            new(401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"""), false, "the API key was refused"),
        new("anthropic", "anthropic", At(Server + "/v1", new() { ["model"] = "claude-sonnet-4-5" }), Secret("apiKey", "sk-ant-test-key-1"), "GET", "/v1/models",
            new() { ["x-api-key"] = "sk-ant-test-key-1", ["anthropic-version"] = "2023-06-01" },
            new(200, """{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":false}"""),
            true, "the model 'claude-sonnet-4-5' is available"),
        new("anthropic refused (x-api-key)", "anthropic", At(Server + "/v1", new() { ["model"] = "claude-sonnet-4-5" }), Secret("apiKey", "sk-ant-test-key-1"), "GET",
            "/v1/models", new() { ["x-api-key"] = "sk-ant-test-key-1" },
            new(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"""), false, "the API key was refused"),
        new("n8n", "n8n", At(Server), Secret("apiKey", "n8n-api-key-test-1"), "GET", "/api/v1/workflows?limit=1",
            new() { ["x-n8n-api-key"] = "n8n-api-key-test-1" }, new(200, """{"data":[],"nextCursor":null}"""), true, "n8n accepted the API key"),
        new("n8n refused (api key header)", "n8n", At(Server), Secret("apiKey", "n8n-api-key-test-1"), "GET", "/api/v1/workflows?limit=1",
            new() { ["x-n8n-api-key"] = "n8n-api-key-test-1" }, new(401, """{"message":"unauthorized"}"""), false, "n8n refused the API key"),
        new("comfyui", "comfyui", At(Server), Secret("token", "comfy-proxy-token-1"), "GET", "/system_stats", Auth("Bearer comfy-proxy-token-1"),
            new(200, """{"system":{"os":"posix","comfyui_version":"0.3.40","python_version":"3.12.3"},"devices":[]}"""), true, "ComfyUI 0.3.40 answers"),
        new("comfyui refused (bearer)", "comfyui", At(Server), Secret("token", "comfy-proxy-token-1"), "GET", "/system_stats", Auth("Bearer comfy-proxy-token-1"),
            new(401, "Unauthorized", "text/plain"), false, "check the bearer token"),
    ];

    private const string TokenPath = "/oauth/token";
    private const string IssuedToken = "issued-access-token-1";

    public static TheoryData<string> RowNames => new(Table.Select(r => r.Name));

    private readonly ConcurrentQueue<Seen> _seen = new();
    private Answer _reply = new(500, "");
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app => app.MapServiceDouble(_seen, seen => seen.PathAndQuery.StartsWith(TokenPath, StringComparison.Ordinal)
            ? new Answer(200, $$"""{"access_token":"{{IssuedToken}}","token_type":"Bearer","expires_in":3600}""")
            : _reply));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task Connections_test_call_sends_the_credentials_and_reads_the_answer(string name)
    {
        var row = Table.Single(r => r.Name == name);
        _reply = row.Reply;
        var origin = _server.BaseAddress.ToString().TrimEnd('/');
        var config = JsonNode.Parse(row.Config.ToJsonString().Replace(Server, origin, StringComparison.Ordinal))!.AsObject();
        var secrets = row.Secrets.ToDictionary(s => s.Key, s => s.Value?.Replace(Server, origin, StringComparison.Ordinal));
        await _desk.Get<ConnectionStore>().CreateAsync(new ConnectionInput("under-test", row.Type, config, secrets), Actor.System, CancellationToken.None);

        var result = await _desk.Get<ConnectionTester>().TestAsync("under-test", CancellationToken.None);

        Assert.NotNull(result);
        Assert.True(row.Ok == result.Ok, $"Expected ok={row.Ok}; the test said: {result.Detail}");
        Assert.Contains(row.Detail, result.Detail, StringComparison.Ordinal);
        var calls = _seen.Where(s => !s.PathAndQuery.StartsWith(TokenPath, StringComparison.Ordinal)).ToList();
        if (row.Path is null)
        {
            Assert.Empty(calls);
            return;
        }
        Assert.Equal(row.Calls, calls.Count);
        var call = calls[^1];
        Assert.Equal(row.Method, call.Method);
        Assert.Equal(row.Path, call.PathAndQuery);
        foreach (var (header, value) in row.Headers)
        {
            Assert.True(call.Headers.TryGetValue(header, out var sent), $"No {header} header was sent.");
            Assert.Equal(value, sent);
        }
        if (row.Headers.Count == 0)
        {
            Assert.False(call.Headers.ContainsKey("authorization"), "Credentials that are part of the URL need no Authorization header.");
        }
        if (row.Body is { } body)
        {
            Assert.Equal(body, call.Body);
        }
    }

    [Fact]
    public void Every_HTTP_connection_type_has_a_row_whose_test_passes()
    {
        var httpTypes = _desk.Get<ConnectionTypes>().All.Where(t => t is IHttpConnectionType).Select(t => t.Name).ToList();

        var missing = httpTypes.Where(t => !Table.Any(r => r.Type == t && r.Ok && r.Path is not null)).ToList();

        Assert.Contains("github", httpTypes);
        Assert.True(missing.Count == 0, $"HTTP connection types without a passing row in ConnectionTestCallTests.Table: {string.Join(", ", missing)}");
    }
}
