using System.Collections.Concurrent;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>A replayed or resumed run sends the idempotency keys of the run it came from, so a receiver can drop the repeat.</summary>
public sealed class RetryIdempotencyKeyTests : IAsyncLifetime
{
    private static readonly Actor Person = Actor.User("fixer@desk.test");
    private readonly ConcurrentQueue<string> _keys = new();
    private volatile bool _down = true;
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app => app.MapPost("/invoice", (HttpContext http) =>
        {
            _keys.Enqueue(http.Request.Headers["Idempotency-Key"].ToString());
            return _down ? Results.StatusCode(503) : Results.Json(new { sent = true });
        }));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private RunRetry Retries => _desk.Get<RunRetry>();

    private async Task<global::AutomationDesk.Core.Execution.Execution> FailAsync() =>
        await _desk.RunAsync(Workflow(Transform("shape", "${trigger}"), Http("send", _server.Url("/invoice"), "POST").With("body", "total=120")));

    private async Task<global::AutomationDesk.Core.Execution.Execution> RetryAsync(Guid executionId, RetryFrom from)
    {
        var child = await Retries.RetryAsync(executionId, from, Person, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        return await _desk.ExecutionAsync(child.Id);
    }

    [Theory]
    [InlineData(RetryFrom.Failed)]
    [InlineData(RetryFrom.Start)]
    public async Task A_retried_run_sends_the_idempotency_key_of_the_run_it_came_from(RetryFrom from)
    {
        var failed = await FailAsync();
        _down = false;

        var retried = await RetryAsync(failed.Id, from);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(ExecutionStatus.Succeeded, retried.Status);
        Assert.Equal([$"{failed.Id}:send", $"{failed.Id}:send"], _keys);
        Assert.Equal(failed.Id, retried.OriginExecutionId);
    }

    [Fact]
    public async Task A_retry_of_a_retry_still_sends_the_key_of_the_first_run()
    {
        var failed = await FailAsync();
        var again = await RetryAsync(failed.Id, RetryFrom.Failed);
        _down = false;

        var third = await RetryAsync(again.Id, RetryFrom.Start);

        Assert.Equal(ExecutionStatus.Failed, again.Status);
        Assert.Equal(ExecutionStatus.Succeeded, third.Status);
        Assert.Equal(3, _keys.Count);
        Assert.All(_keys, key => Assert.Equal($"{failed.Id}:send", key));
        Assert.Equal(failed.Id, again.OriginExecutionId);
        Assert.Equal(failed.Id, third.OriginExecutionId);
    }

    [Fact]
    public async Task A_run_that_is_not_a_retry_sends_its_own_key()
    {
        _down = false;

        var first = await FailAsync();
        var second = await FailAsync();

        Assert.Null(first.OriginExecutionId);
        Assert.Equal([$"{first.Id}:send", $"{second.Id}:send"], _keys);
    }
}
