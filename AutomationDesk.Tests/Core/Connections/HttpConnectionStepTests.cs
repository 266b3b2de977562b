using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary><c>http.request</c> with <c>"connection"</c>, end to end in a run: the URL joined, the credentials added and never kept.</summary>
public sealed class HttpConnectionStepTests : IAsyncLifetime
{
    private const string Token = "step-bearer-token-1";
    private readonly ConcurrentQueue<EchoServer.Received> _received = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(app =>
    {
        app.MapEcho(_received);
        app.MapGet("/away", () => Results.Redirect("http://localhost:" + _server.Port + "/echo/landed"));
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<CoreDesk> DeskAsync(bool allowPrivateNetworks = true) =>
        await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Http:AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false" });

    private async Task ConnectAsync(CoreDesk desk, string baseUrl, bool allowPrivateNetwork = false)
    {
        var config = new JsonObject { ["baseUrl"] = baseUrl, ["auth"] = "bearer" };
        if (allowPrivateNetwork)
        {
            config[ConnectionSettings.AllowPrivateNetworkField] = true;
        }
        await desk.Get<ConnectionStore>().CreateAsync(new ConnectionInput("api", "http", config, new Dictionary<string, string?> { ["token"] = Token }),
            Actor.System, CancellationToken.None);
    }

    private static JsonObject Call(string url) => Http("call", url).With("connection", "api");

    [Fact]
    public async Task HttpConnection_step_joins_the_base_URL_adds_the_token_and_keeps_it_nowhere()
    {
        await using var desk = await DeskAsync();
        await ConnectAsync(desk, _server.Url("/echo/v1"));

        var execution = await desk.RunAsync(Workflow(Call("/orders?state=open")));

        var step = Assert.Single(execution.Steps);
        Assert.Equal(StepStatus.Succeeded, step.Status);
        var seen = Assert.Single(_received);
        Assert.Equal("/echo/v1/orders", seen.Path);
        Assert.Equal("?state=open", seen.Query);
        Assert.Equal($"Bearer {Token}", seen.Headers["authorization"]);
        var logs = string.Join("\n", (await desk.LogsAsync(execution.Id)).Select(l => l.Message + l.DataJson));
        Assert.DoesNotContain(Token, step.InputJson ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(Token, step.OutputJson ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(Token, logs, StringComparison.Ordinal);
        Assert.Contains("\"connection\":\"api\"", step.InputJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpConnection_step_refuses_an_absolute_URL_on_another_origin()
    {
        await using var desk = await DeskAsync();
        await ConnectAsync(desk, _server.Url("/echo/v1"));

        var execution = await desk.RunAsync(Workflow(Call($"http://localhost:{_server.Port}/echo/elsewhere")));

        var step = Assert.Single(execution.Steps);
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("is not the address of the connection 'api'", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task HttpConnection_step_does_not_carry_the_token_through_a_redirect_to_another_origin()
    {
        await using var desk = await DeskAsync();
        await ConnectAsync(desk, _server.Url(""));

        var execution = await desk.RunAsync(Workflow(Call("/away")));

        Assert.Equal(StepStatus.Succeeded, Assert.Single(execution.Steps).Status);
        var landed = Assert.Single(_received);
        Assert.Equal("/echo/landed", landed.Path);
        Assert.False(landed.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task HttpConnection_step_naming_a_missing_connection_fails_naming_it()
    {
        await using var desk = await DeskAsync();

        var execution = await desk.RunAsync(Workflow(Http("call", "/orders").With("connection", "nowhere")));

        var step = Assert.Single(execution.Steps);
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("There is no connection named 'nowhere'", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, StepStatus.Failed)]
    [InlineData(true, StepStatus.Succeeded)]
    public async Task HttpConnection_step_reaches_a_private_address_only_when_the_connection_allows_it(bool allowPrivateNetwork, StepStatus expected)
    {
        await using var desk = await DeskAsync(allowPrivateNetworks: false);
        await ConnectAsync(desk, _server.Url("/echo/v1"), allowPrivateNetwork);

        var execution = await desk.RunAsync(Workflow(Call("/orders")));

        var step = Assert.Single(execution.Steps);
        Assert.Equal(expected, step.Status);
        Assert.Equal(allowPrivateNetwork ? 1 : 0, _received.Count);
        if (!allowPrivateNetwork)
        {
            Assert.Contains("Refused to connect", step.ErrorHuman, StringComparison.Ordinal);
        }
    }
}
