using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>What an <c>http.request</c> step refuses to put on the wire, proved against a receiver that parses nothing.</summary>
public sealed class OutgoingHeaderTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private RawHttpServer _receiver = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _receiver = RawHttpServer.Start();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private async Task<StepRun> CallAsync(JsonObject step, string? trace = null)
    {
        var input = new JsonObject { ["body"] = new JsonObject { ["trace"] = trace } };
        return Assert.Single((await _desk.RunAsync(Workflow(step), input)).Steps);
    }

    [Fact]
    public async Task An_ordinary_header_reaches_the_receiver_in_one_request()
    {
        var step = await CallAsync(Http("call", _receiver.Url("/hello")).With("headers", new JsonObject { ["X-Trace"] = "${trigger.body.trace}" }), "abc-123");

        Assert.Equal(StepStatus.Succeeded, step.Status);
        var received = await _receiver.NextReceivedAsync();
        Assert.Contains("\r\nX-Trace: abc-123\r\n", received, StringComparison.Ordinal);
        Assert.Equal(1, received.Split(" HTTP/1.1\r\n").Length - 1);
    }

    [Theory]
    [InlineData("abc\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n")]
    [InlineData("abc\nX-Injected: yes")]
    [InlineData("abc\rX-Injected: yes")]
    [InlineData("abc\0X-Injected: yes")]
    public async Task A_line_break_or_NUL_in_a_header_value_from_a_template_is_refused_and_nothing_reaches_the_receiver(string trace)
    {
        var step = await CallAsync(Http("call", _receiver.Url("/hello")).With("headers", new JsonObject { ["X-Trace"] = "${trigger.body.trace}" }), trace);

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("Header 'X-Trace' holds a line break or NUL; refused so it cannot forge a second request.", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(0, _receiver.Connections);
    }

    [Theory]
    [InlineData("X Trace")]
    [InlineData("X-Trace:")]
    [InlineData("X-Trace\r\nX-Injected")]
    [InlineData("")]
    [InlineData("X-Tracé")]
    public async Task A_header_name_that_is_not_a_token_is_refused(string name)
    {
        var step = await CallAsync(Http("call", _receiver.Url("/hello")).With("headers", new JsonObject { [name] = "value" }));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("is not a valid header name", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(0, _receiver.Connections);
    }

    [Theory]
    [InlineData("x\r\nX-Injected: yes")]
    [InlineData("x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /smuggled")]
    [InlineData("x\0y")]
    public async Task A_line_break_or_NUL_in_the_URL_from_a_template_is_refused(string path)
    {
        var step = await CallAsync(Http("call", _receiver.Url("/") + "${trigger.body.trace}"), path);

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("The URL holds a line break or NUL; refused so it cannot forge a second request.", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(0, _receiver.Connections);
    }

    [Fact]
    public async Task A_content_type_that_is_not_a_media_type_is_refused()
    {
        var step = await CallAsync(Http("call", _receiver.Url("/hello"), "POST").With("body", "hi").With("contentType", "${trigger.body.trace}"), "text/plain\r\nX-Injected: yes");

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("contentType", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(0, _receiver.Connections);
    }
}
