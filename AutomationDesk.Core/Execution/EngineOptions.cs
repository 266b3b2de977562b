using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Core.Execution;

/// <summary>How the engine runs work. Bound from the <c>Engine</c> section.</summary>
public sealed class EngineOptions
{
    /// <summary>How long a claim on a run holds without renewal; a crashed node's runs are taken over after this.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The name this node writes as lease owner.</summary>
    [Required]
    public string NodeName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>A step attempt's time limit when neither the step nor its type says otherwise.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DefaultStepTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many steps of one run may run at once, unless <c>settings.maxConcurrency</c> says otherwise.</summary>
    [Range(1, 64)]
    public int MaxParallelSteps { get; set; } = 8;

    /// <summary>
    /// On shutdown (SIGTERM), how long running steps may go on to finish. The desk takes no new work meanwhile; what is
    /// still running after this is cancelled, its lease released, and recovery runs it again at the next start.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many times in a row a run may fail to be run by the engine itself (not by a step: a step's failure follows the
    /// step's retry policy) before it is ended <c>Failed</c> instead of being dispatched again.
    /// </summary>
    [Range(1, 100)]
    public int MaxDispatchFailures { get; set; } = 3;

    /// <summary>
    /// For the bench only: false leaves the runner's and launcher's events unwritten, so the cost of storing the
    /// replayable stream can be measured against a run without it. Leave it on: with it off, the event streams miss
    /// what runs did.
    /// </summary>
    public bool StoreEvents { get; set; } = true;
}
