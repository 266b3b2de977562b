using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

public sealed class CircuitBreakerTests : IAsyncLifetime
{
    private int _calls;
    private volatile bool _down = true;
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Http:CircuitBreaker:BreakDuration"] = "00:00:30" });
        _server = await LoopbackServer.StartAsync(app => app.MapGet("/service", () =>
        {
            Interlocked.Increment(ref _calls);
            return _down ? Results.StatusCode(502) : Results.Json(new { up = true });
        }));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private Task<global::AutomationDesk.Core.Execution.Execution> CallAsync() => _desk.RunAsync(Workflow(Http("call", _server.Url("/service"))));

    [Fact]
    public async Task After_repeated_failures_calls_to_the_host_fail_fast_until_the_break_is_over()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ExecutionStatus.Failed, (await CallAsync()).Status);
        }

        var fast = await CallAsync();

        Assert.Equal(5, _calls);
        Assert.Contains("paused after repeated failures", fast.Steps[0].ErrorHuman, StringComparison.Ordinal);
        var host = Assert.Single(_desk.Get<HostCircuitBreakers>().States());
        Assert.Equal(new HostCircuit(_server.BaseAddress.Authority, CircuitState.Open), host);

        _down = false;
        _desk.Time.Advance(TimeSpan.FromSeconds(31));
        var trial = await CallAsync();

        Assert.Equal(ExecutionStatus.Succeeded, trial.Status);
        Assert.Equal(CircuitState.Closed, _desk.Get<HostCircuitBreakers>().States().Single().State);
    }

    [Fact]
    public async Task A_not_found_answer_does_not_count_against_the_host()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/gone", () => Results.NotFound()));
        for (var i = 0; i < 8; i++)
        {
            await _desk.RunAsync(Workflow(Http("call", server.Url("/gone"))));
        }

        Assert.All(_desk.Get<HostCircuitBreakers>().States(), h => Assert.Equal(CircuitState.Closed, h.State));
    }
}
