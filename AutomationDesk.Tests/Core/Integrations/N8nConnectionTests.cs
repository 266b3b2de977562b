using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Integrations;

/// <summary>The test button of an <c>n8n</c> connection against a fake n8n: the public API with a key, <c>/healthz</c> without.</summary>
public sealed class N8nConnectionTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private FakeN8nServer _n8n = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _n8n = await FakeN8nServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _n8n.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private async Task<ConnectionTestResult> TestAsync(string? apiKey, string? baseUrl = null)
    {
        var name = "n8n-" + Guid.NewGuid().ToString("N")[..8];
        await _desk.Get<ConnectionStore>().CreateAsync(
            new ConnectionInput(name, "n8n", new JsonObject { ["baseUrl"] = baseUrl ?? _n8n.BaseUrl }, new Dictionary<string, string?> { ["apiKey"] = apiKey }),
            Actor.System, CancellationToken.None);
        return (await _desk.Get<ConnectionTester>().TestAsync(name, CancellationToken.None))!;
    }

    [Fact]
    public async Task N8n_connection_test_with_an_api_key_proves_the_key_against_the_public_api()
    {
        var result = await TestAsync(_n8n.ApiKey);

        Assert.True(result.Ok, result.Detail);
        Assert.Contains("accepted the API key", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N8n_connection_test_with_a_wrong_key_says_n8n_refused_it_without_showing_it()
    {
        var result = await TestAsync("stale-key");

        Assert.False(result.Ok);
        Assert.Contains("n8n refused the API key (401)", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("stale-key", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N8n_connection_test_without_a_key_checks_that_n8n_answers_healthz()
    {
        var result = await TestAsync(apiKey: null);

        Assert.True(result.Ok, result.Detail);
        Assert.Contains("GET /healthz: 200", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N8n_connection_test_at_a_base_url_that_is_not_n8n_fails_saying_what_answered()
    {
        var result = await TestAsync(apiKey: null, baseUrl: _n8n.BaseUrl + "/not-n8n");

        Assert.False(result.Ok);
        Assert.Contains("answered 404", result.Detail, StringComparison.Ordinal);
    }
}
