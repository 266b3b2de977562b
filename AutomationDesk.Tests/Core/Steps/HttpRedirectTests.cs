using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>How <c>http.request</c> follows redirects: two loopback servers on different ports are two origins.</summary>
public sealed class HttpRedirectTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<EchoServer.Received> _home = new();
    private readonly ConcurrentQueue<EchoServer.Received> _elsewhere = new();
    private CoreDesk _desk = null!;
    private LoopbackServer _first = null!;
    private LoopbackServer _second = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _second = await LoopbackServer.StartAsync(app => app.MapEcho(_elsewhere));
        _first = await LoopbackServer.StartAsync(app =>
        {
            app.MapEcho(_home);
            app.Map("/away/{status:int}", (int status, HttpContext http) => Redirect(http, status, _second.Url("/echo/landed")));
            app.Map("/home/{status:int}", (int status, HttpContext http) => Redirect(http, status, "/echo/landed"));
            app.Map("/ftp", (HttpContext http) => Redirect(http, 302, "ftp://127.0.0.1/file.txt"));
            app.Map("/circle", (HttpContext http) => Redirect(http, 302, "/circle"));
            app.Map("/back", (HttpContext http) => Redirect(http, 302, _second.Url("/echo/landed")));
        });
    }

    private static void Redirect(HttpContext http, int status, string location)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.Location = location;
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private async Task<StepRun> CallAsync(JsonObject step) => Assert.Single((await _desk.RunAsync(Workflow(step))).Steps);

    private static JsonObject WithCredentials(JsonObject step) => step.With("headers", new JsonObject
    {
        ["Authorization"] = "Bearer s3cret-token",
        ["X-Api-Key"] = "k3y-value",
        ["X-Custom-Token"] = "t0ken",
    });

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Custom_headers_do_not_follow_a_redirect_to_another_origin(int status)
    {
        var step = await CallAsync(WithCredentials(Http("call", _first.Url($"/away/{status}"))));

        Assert.Equal(StepStatus.Succeeded, step.Status);
        var seen = Assert.Single(_elsewhere);
        Assert.Equal("/echo/landed", seen.Path);
        Assert.False(seen.Headers.ContainsKey("authorization"));
        Assert.False(seen.Headers.ContainsKey("x-api-key"));
        Assert.False(seen.Headers.ContainsKey("x-custom-token"));
    }

    [Fact]
    public async Task Custom_headers_follow_a_redirect_within_the_same_origin()
    {
        var step = await CallAsync(WithCredentials(Http("call", _first.Url("/home/302"))));

        Assert.Equal(StepStatus.Succeeded, step.Status);
        var seen = Assert.Single(_home);
        Assert.Equal("Bearer s3cret-token", seen.Headers["authorization"]);
        Assert.Equal("k3y-value", seen.Headers["x-api-key"]);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    public async Task A_POST_redirected_with_301_302_or_303_is_followed_as_a_GET_without_its_body(int status)
    {
        var step = await CallAsync(Http("call", _first.Url($"/home/{status}"), "POST").With("body", new JsonObject { ["n"] = 1 }));

        Assert.Equal(StepStatus.Succeeded, step.Status);
        var seen = Assert.Single(_home);
        Assert.Equal("GET", seen.Method);
        Assert.Equal("", seen.Body);
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_POST_redirected_with_307_or_308_keeps_its_method_and_body(int status)
    {
        var step = await CallAsync(Http("call", _first.Url($"/away/{status}"), "POST").With("body", new JsonObject { ["n"] = 1 }));

        Assert.Equal(StepStatus.Succeeded, step.Status);
        var seen = Assert.Single(_elsewhere);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("""{"n":1}""", seen.Body);
        Assert.StartsWith("application/json", seen.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_idempotency_key_follows_a_redirect_to_another_origin()
    {
        await CallAsync(Http("call", _first.Url("/away/307"), "POST").With("body", "x"));

        Assert.True(Assert.Single(_elsewhere).Headers.ContainsKey("idempotency-key"));
    }

    [Fact]
    public async Task A_redirect_that_goes_round_in_circles_fails_the_step_after_five_hops()
    {
        var step = await CallAsync(Http("call", _first.Url("/circle")));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("redirected more than 5 times", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_a_scheme_other_than_http_or_https_is_not_followed()
    {
        var step = await CallAsync(Http("call", _first.Url("/ftp")));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("redirected to a ftp address", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_hop_of_a_redirect_is_logged()
    {
        var execution = await _desk.RunAsync(Workflow(Http("call", _first.Url("/back"))));

        var logs = await _desk.LogsAsync(execution.Id);
        Assert.Contains(logs, l => l.Message == $"Redirected (302) to {_second.Url("/echo/landed")}");
    }
}
