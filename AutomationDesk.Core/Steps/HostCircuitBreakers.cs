using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace AutomationDesk.Core.Steps;

/// <summary>How the circuit breaker of one target host stands, for the health page.</summary>
public sealed record HostCircuit(string Host, CircuitState State);

/// <summary>
/// One Polly circuit breaker per target host for outgoing step calls. When most recent calls to a host fail (network
/// errors, timeouts, 408, 429, 5xx), the breaker opens and further calls fail at once for the break duration, instead
/// of every run waiting for the same dead service; then one trial call decides whether it closes again.
/// </summary>
public sealed class HostCircuitBreakers(IOptions<HttpStepOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline<HttpResponseMessage> Pipeline, CircuitBreakerStateProvider State)> _hosts =
        new(StringComparer.OrdinalIgnoreCase);

    public ResiliencePipeline<HttpResponseMessage> For(string host) => _hosts.GetOrAdd(host, Build).Pipeline;

    /// <summary>Every host called since the desk started, the open ones first.</summary>
    public IReadOnlyList<HostCircuit> States() => _hosts
        .Select(h => new HostCircuit(h.Key, h.Value.State.CircuitState))
        .OrderBy(h => h.State == CircuitState.Closed).ThenBy(h => h.Host, StringComparer.Ordinal)
        .ToList();

    private (ResiliencePipeline<HttpResponseMessage>, CircuitBreakerStateProvider) Build(string host)
    {
        var limits = options.Value.CircuitBreaker;
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = limits.FailureRatio,
                MinimumThroughput = limits.MinimumThroughput,
                SamplingDuration = limits.SamplingDuration,
                BreakDuration = limits.BreakDuration,
                StateProvider = state,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>(e => !NetworkGuard.IsRefusal(e))
                    .Handle<OperationCanceledException>()
                    .HandleResult(r => (int)r.StatusCode is 408 or 429 or >= 500),
            })
            .Build();
        return (pipeline, state);
    }
}

/// <summary>When a host's breaker opens (<c>Http:CircuitBreaker</c>).</summary>
public sealed class CircuitBreakerOptions
{
    public double FailureRatio { get; set; } = 0.5;
    public int MinimumThroughput { get; set; } = 5;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
