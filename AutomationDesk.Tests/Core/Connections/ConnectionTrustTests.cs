using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary>What a connection's <c>allowPrivateNetwork</c> trusts, and connections whose secrets cannot be read.</summary>
public sealed class ConnectionTrustTests
{
    private static ConnectionSettings Settings(bool allow, string baseUrl = "http://erp.lan:8080/api", string? webhook = null) =>
        new("erp", "http", new JsonObject { ["baseUrl"] = baseUrl, ["tokenUrl"] = "http://169.254.169.254/token", ["allowPrivateNetwork"] = allow },
            webhook is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["webhookUrl"] = webhook });

    private static string? Trusted(string url, ConnectionSettings settings)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        ConnectionHttp.Trust(request, settings);
        return request.Options.TryGetValue(NetworkGuard.TrustedAuthority, out var authority) ? authority : null;
    }

    [Fact]
    public void Connection_trust_covers_its_own_base_url_only_not_its_token_url_or_another_host()
    {
        Assert.Equal("erp.lan:8080", Trusted("http://erp.lan:8080/api/orders", Settings(allow: true)));
        Assert.Null(Trusted("http://169.254.169.254/token", Settings(allow: true)));
        Assert.Null(Trusted("http://erp.lan:9090/", Settings(allow: true)));
        Assert.Null(Trusted("http://erp.lan:8080/api/orders", Settings(allow: false)));
    }

    [Fact]
    public void Connection_trust_covers_a_webhook_url_secret_and_an_IPv6_host_as_the_socket_sees_it()
    {
        Assert.Equal("hooks.lan:443", Trusted("https://hooks.lan/services/x", Settings(allow: true, webhook: "https://hooks.lan/services/x")));
        var v6 = Trusted("http://[fd00::5]:8188/prompt", Settings(allow: true, baseUrl: "http://[fd00::5]:8188"));
        Assert.Equal("fd00::5:8188", v6);
    }

    [Fact]
    public async Task Connections_whose_secrets_no_key_can_read_still_list_and_test_as_failing()
    {
        await using var desk = await CoreDesk.StartAsync();
        var store = desk.Get<ConnectionStore>();
        await store.CreateAsync(new ConnectionInput("gh", "github", new JsonObject { ["baseUrl"] = "https://api.github.invalid" },
            new Dictionary<string, string?> { ["token"] = "ghp_unreadable_1" }), Actor.System, CancellationToken.None);
        await using (var db = desk.NewDb())
        {
            var row = db.Connections.Single();
            row.ProtectedSecrets = "CfDJ8-not-a-payload-this-desk-can-read";
            await db.SaveChangesAsync();
        }

        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Empty(listed.SecretsSet);
        Assert.Equal(1, await desk.Get<ConnectionTester>().TestAllAsync(CancellationToken.None));
        Assert.Equal(ConnectionHealth.Failing, (await store.GetAsync("gh", CancellationToken.None))!.Health);
    }

    [Fact]
    public async Task Connection_named_with_a_template_is_refused_at_save_naming_the_field()
    {
        await using var desk = await CoreDesk.StartAsync();
        const string definition = """
            { "schemaVersion": 1, "name": "Templated connection", "trigger": { "type": "manual" },
              "steps": [ { "id": "call", "type": "http.request", "config": { "connection": "${trigger.body.which}", "url": "/me" } } ] }
            """;

        var error = Assert.Throws<WorkflowValidationException>(() => desk.Get<WorkflowDefinitionReader>().Read(definition));

        Assert.Contains("not with a template", Assert.Single(error.Errors["steps[0].config.connection"]), StringComparison.Ordinal);
    }
}
