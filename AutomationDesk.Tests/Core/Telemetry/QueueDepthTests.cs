using System.Diagnostics.Metrics;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Telemetry;

public sealed class QueueDepthTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task The_queue_depth_counts_runs_queued_and_due_read_at_most_once_a_second()
    {
        var workflowId = await _desk.SaveAsync(Definitions.Workflow("Queued", Definitions.Transform("shape", 1)));
        await _desk.StartAsync(workflowId);
        await _desk.StartAsync(workflowId);
        Assert.Equal(2, QueueDepth());

        await _desk.RunDueWorkAsync();
        var cached = QueueDepth();
        _desk.Time.Advance(DeskMetrics.QueueDepthCacheFor);
        var fresh = QueueDepth();

        Assert.Equal(2, cached);
        Assert.Equal(0, fresh);
    }

    /// <summary>Reads the gauge of this desk's meter (other desks in the process have meters of the same name).</summary>
    private long QueueDepth()
    {
        var factory = _desk.Get<IMeterFactory>();
        _ = _desk.Get<DeskMetrics>();
        long? depth = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "desk.queue.depth")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => depth = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return depth ?? throw new InvalidOperationException("The desk has no desk.queue.depth gauge");
    }
}
