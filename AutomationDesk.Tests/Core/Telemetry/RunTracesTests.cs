using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Telemetry;

public sealed class RunTracesTests : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private CoreDesk _desk = null!;

    public RunTracesTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RunTraces.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_run_over_two_claims_is_one_trace_whose_children_are_its_steps()
    {
        var workflowId = await _desk.SaveAsync(Definitions.Workflow("Traced",
            Definitions.Transform("shape", new JsonObject { ["ok"] = true }),
            Definitions.Delay("pause", TimeSpan.FromMinutes(5))));
        var executionId = await _desk.StartAsync(workflowId);
        await _desk.RunDueWorkAsync();
        Assert.Empty(TraceOf(executionId));

        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        await _desk.RunDueWorkAsync();
        var run = await _desk.ExecutionAsync(executionId);
        var spans = TraceOf(executionId);

        Assert.Equal(ExecutionStatus.Succeeded, run.Status);
        var root = Assert.Single(spans, s => s.ParentSpanId == default);
        Assert.Equal("run Traced", root.DisplayName);
        Assert.Equal(run.StartedAt!.Value.UtcDateTime, root.StartTimeUtc);
        Assert.Equal(run.FinishedAt!.Value.UtcDateTime, root.StartTimeUtc + root.Duration);
        Assert.Equal(run.CorrelationId, root.GetTagItem(RunTraces.CorrelationIdTag));
        Assert.Equal(executionId.ToString("N"), root.TraceId.ToHexString());
        var steps = spans.Where(s => s.ParentSpanId == root.SpanId).ToList();
        Assert.Equal(["shape", "pause"], steps.Select(s => s.GetTagItem(RunTraces.StepIdTag)));
        Assert.Equal(["transform", "delay"], steps.Select(s => s.GetTagItem(RunTraces.StepTypeTag)));
        Assert.All(steps, s => Assert.Equal(run.CorrelationId, s.GetTagItem(RunTraces.CorrelationIdTag)));
        Assert.Equal(TimeSpan.FromMinutes(5), steps[1].Duration);
        Assert.Equal(3, spans.Count);
    }

    [Fact]
    public async Task A_failed_run_and_its_failed_step_are_marked_as_errors()
    {
        var run = await _desk.RunAsync(Definitions.Workflow("Traced failure",
            Definitions.Transform("fine", new JsonObject { ["ok"] = true }),
            Definitions.Step("broken", "code", new JsonObject { ["source"] = "throw new Error('no orders today');" })));
        var spans = TraceOf(run.Id);

        Assert.Equal(ExecutionStatus.Failed, run.Status);
        var root = Assert.Single(spans, s => s.ParentSpanId == default);
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal(run.ErrorHuman, root.StatusDescription);
        var broken = Assert.Single(spans, s => (string?)s.GetTagItem(RunTraces.StepIdTag) == "broken");
        Assert.Equal(ActivityStatusCode.Error, broken.Status);
        var fine = Assert.Single(spans, s => (string?)s.GetTagItem(RunTraces.StepIdTag) == "fine");
        Assert.Equal(ActivityStatusCode.Unset, fine.Status);
    }

    private List<Activity> TraceOf(Guid executionId)
    {
        var traceId = RunTraces.TraceIdOf(executionId);
        return _stopped.Where(a => a.TraceId == traceId).ToList();
    }
}
