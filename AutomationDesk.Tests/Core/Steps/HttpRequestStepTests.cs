using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

public sealed class HttpRequestStepTests : IAsyncLifetime
{
    private const int Limit = 2048;
    private readonly ConcurrentQueue<EchoServer.Received> _received = new();
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Http:MaxResponseBytes"] = Limit.ToString() });
        _server = await LoopbackServer.StartAsync(app =>
        {
            app.MapEcho(_received);
            app.MapGet("/text", () => Results.Text("plain words", "text/plain"));
            app.MapGet("/large", () => Results.Text(new string('x', Limit * 2), "text/plain"));
            app.MapGet("/large-streamed", async (HttpContext http) =>
            {
                http.Response.ContentType = "text/plain";
                for (var i = 0; i < 4; i++)
                {
                    await http.Response.WriteAsync(new string('x', Limit), http.RequestAborted);
                    await http.Response.Body.FlushAsync(http.RequestAborted);
                }
            });
            app.MapGet("/hang", async (HttpContext http) =>
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller gave up, as the test expects.
                }
            });
            app.MapGet("/missing", () => Results.Text("no such thing", statusCode: 404));
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private async Task<StepRun> RunStepAsync(JsonObject step)
    {
        var execution = await _desk.RunAsync(Workflow(step));
        return Assert.Single(execution.Steps);
    }

    [Fact]
    public async Task It_sends_method_headers_query_and_a_JSON_body_and_parses_a_JSON_answer()
    {
        var step = await RunStepAsync(Http("call", _server.Url("/echo/orders?existing=1"), "POST")
            .With("headers", new JsonObject { ["X-Desk"] = "yes" })
            .With("query", new JsonObject { ["q"] = "two words", ["n"] = "5" })
            .With("body", new JsonObject { ["amount"] = 42, ["tags"] = new JsonArray("a") }));

        Assert.Equal(StepStatus.Succeeded, step.Status);
        var seen = Assert.Single(_received);
        Assert.Equal("POST", seen.Method);
        Assert.Equal("/echo/orders", seen.Path);
        Assert.Equal("?existing=1&q=two%20words&n=5", seen.Query);
        Assert.Equal("yes", seen.Headers["x-desk"]);
        Assert.StartsWith("application/json", seen.ContentType, StringComparison.Ordinal);
        Assert.Equal("""{"amount":42,"tags":["a"]}""", seen.Body);
        var output = StoredJson.Parse(step.OutputJson)!;
        Assert.Equal(200, output["status"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Object, output["body"]!.GetValueKind());
        Assert.Equal("POST", output["body"]!["method"]!.GetValue<string>());
        Assert.StartsWith("application/json", output["headers"]!["content-type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_body_is_sent_as_text_with_the_given_content_type()
    {
        await RunStepAsync(Http("call", _server.Url("/echo/text"), "PUT")
            .With("body", "hello there")
            .With("contentType", "text/csv"));

        var seen = Assert.Single(_received);
        Assert.Equal("PUT", seen.Method);
        Assert.Equal("hello there", seen.Body);
        Assert.StartsWith("text/csv", seen.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_answer_is_kept_as_text()
    {
        var step = await RunStepAsync(Http("call", _server.Url("/text")));

        Assert.Equal("plain words", StoredJson.Parse(step.OutputJson)!["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/large")]
    [InlineData("/large-streamed")]
    public async Task An_answer_over_the_size_limit_fails_the_step(string path)
    {
        var step = await RunStepAsync(Http("call", _server.Url(path)));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains($"limit of {Limit}", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Null(step.OutputJson);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_fails_the_step()
    {
        var step = await RunStepAsync(Http("call", _server.Url("/hang")).With("timeout", "00:00:01"));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("did not answer within 00:00:01", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_branch_cancels_a_call_still_running_on_another()
    {
        var execution = await _desk.RunAsync(Workflow(
            Http("call", _server.Url("/hang")),
            Transform("broken", "${trigger.body.absent}").DependsOn()), new JsonObject { ["body"] = new JsonObject() });

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StepStatus.Cancelled, execution.Steps[0].Status);
        Assert.Equal(StepStatus.Failed, execution.Steps[1].Status);
        Assert.Contains("(broken)", execution.ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_status_fails_the_step_unless_allowed()
    {
        var failed = await RunStepAsync(Http("call", _server.Url("/missing")));
        var allowed = await RunStepAsync(Http("call", _server.Url("/missing")).With("allowErrorStatus", true));

        Assert.Equal(StepStatus.Failed, failed.Status);
        Assert.Contains("answered 404", failed.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Succeeded, allowed.Status);
        Assert.Equal(404, StoredJson.Parse(allowed.OutputJson)!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_request_is_logged_without_the_user_and_password_of_the_URL()
    {
        var url = _server.Url("/echo/x").Replace("http://", "http://robot:pa55word@", StringComparison.Ordinal);

        var execution = await _desk.RunAsync(Workflow(Http("call", url)));

        var logs = await _desk.LogsAsync(execution.Id);
        Assert.Contains(logs, l => l.Message == $"GET {_server.Url("/echo/x")}");
        Assert.DoesNotContain(logs, l => l.Message.Contains("pa55word", StringComparison.Ordinal));
    }
}
