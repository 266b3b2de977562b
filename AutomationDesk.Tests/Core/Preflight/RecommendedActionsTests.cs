using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Preflight;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Preflight;

/// <summary>A failed run's detail says what to do about each failed step, read from its real error.</summary>
public sealed class RecommendedActionsTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private async Task<ExecutionDetail> FailAsync(JsonObject definition)
    {
        var run = await _desk.RunAsync(definition);
        Assert.Equal(ExecutionStatus.Failed, run.Status);
        return ExecutionDetail.From(run);
    }

    [Fact]
    public async Task A_401_says_to_check_the_credentials_of_the_connection_it_used()
    {
        await using var api = await LoopbackServer.StartAsync(app => app.MapGet("/", () => Results.StatusCode(StatusCodes.Status401Unauthorized)));
        await AutomationDesk.Tests.Core.Connections.MailConnections.CreateAsync(_desk, "crm", "http",
            new JsonObject { ["baseUrl"] = api.Url("/"), ["allowPrivateNetwork"] = true });

        var run = await FailAsync(Workflow(Step("call", "http.request", new JsonObject { ["connection"] = "crm", ["url"] = "", ["method"] = "GET" })));

        var action = Assert.Single(run.Actions);
        Assert.Equal("call", action.StepId);
        Assert.Contains("check the connection `crm`", action.Action);
    }

    [Fact]
    public async Task A_refused_connection_says_to_check_the_url_or_allow_the_host()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var run = await FailAsync(Workflow(Http("call", $"http://127.0.0.1:{port}/nothing-here")));

        var action = Assert.Single(run.Actions);
        Assert.Contains("check the URL", action.Action);
        Assert.Contains("Http:AllowedHosts", action.Action);
    }

    [Fact]
    public async Task A_run_that_did_not_fail_has_no_actions()
    {
        var run = ExecutionDetail.From(await _desk.RunAsync(Workflow(Transform("ok", "x"))));

        Assert.Empty(run.Actions);
    }

    [Theory]
    [InlineData("https://api.test/x answered 404 Not Found.", "check the step's URL")]
    [InlineData("https://api.test/x answered 429 Too Many Requests.", "add a retry")]
    [InlineData("Timed out after 00:00:05.", "Raise the step's timeout")]
    [InlineData("The AI's answer does not match the schema: $.total is required.", "adjust the prompt")]
    [InlineData("Unknown template path 'secrets.stripe': 'secrets.stripe' was not found.", "Create the secret `stripe` in Admin › Secrets.")]
    [InlineData("Unknown template path 'trigger.body.id': 'trigger.body' was not found.", "Check the template path `trigger.body.id`")]
    [InlineData("There is no connection named 'crm'; an Admin creates it on the Connections page, or choose another.", "Create the connection `crm`")]
    public void Each_kind_of_error_gets_its_action(string error, string expected)
    {
        Assert.Contains(expected, RecommendedActions.ForError(error, connection: null));
    }

    [Fact]
    public void An_error_that_says_nothing_actionable_gets_no_action() =>
        Assert.Null(RecommendedActions.ForError("Its output could not be stored: too deep.", connection: null));
}
