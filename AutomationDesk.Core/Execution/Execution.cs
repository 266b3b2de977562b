namespace AutomationDesk.Core.Execution;

/// <summary>One run of one version of a workflow. The row is the source of truth: it exists before any job does.</summary>
public sealed class Execution
{
    public Guid Id { get; set; }
    public Guid WorkflowId { get; set; }
    public int WorkflowVersion { get; set; }
    public string WorkflowName { get; set; } = "";
    public ExecutionStatus Status { get; set; }
    public int Progress { get; set; }
    public string? CurrentStepId { get; set; }
    public string TriggerKind { get; set; } = "manual";
    public string TriggerInputJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public string? OutputJson { get; set; }
    public string? ErrorHuman { get; set; }
    public string? ErrorTech { get; set; }
    public string CorrelationId { get; set; } = "";
    public Guid? ParentExecutionId { get; set; }

    /// <summary>
    /// For a sub-workflow's run (<c>workflow.run</c>, <c>foreach</c>): the parent's step that started it. Null for any
    /// other run, a retry or an event-triggered run included, whose <see cref="ParentExecutionId"/> only says where it came from.
    /// </summary>
    public string? ParentStepId { get; set; }

    /// <summary>For a <c>foreach</c> item's run: the item's position in the list, from 0.</summary>
    public int? ItemIndex { get; set; }

    /// <summary>
    /// For a replayed or resumed run: the first run of its chain of retries. Its steps send that run's idempotency keys,
    /// so a receiver sees the retry as a repeat of the same request. Null for any other run (a sub-workflow's child too).
    /// </summary>
    public Guid? OriginExecutionId { get; set; }
    public int Attempt { get; set; } = 1;

    /// <summary>Who holds the run now; set only by a conditional UPDATE so two workers never hold it at once.</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>How many times in a row the engine failed to run this execution (see <see cref="DispatchFailures"/>).</summary>
    public int DispatchFailures { get; set; }

    /// <summary>When a waiting run is due to be dispatched again.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>Only for a test run of an unsaved draft: the definition it runs. Other runs read their version.</summary>
    public string? DraftDefinitionJson { get; set; }

    /// <summary>
    /// For a run that ended failed: how a person dealt with it (<see cref="DeadLetterOutcomes"/>). Null while it waits
    /// in the dead-letter list.
    /// </summary>
    public string? DeadLetterOutcome { get; set; }
    public DateTimeOffset? DeadLetterClosedAt { get; set; }

    /// <summary>
    /// A dry run: side-effect steps do not act and answer what they would have sent; it starts no event triggers,
    /// notifications or error workflow.
    /// </summary>
    public bool DryRun { get; set; }

    /// <summary>Time spent waiting (delays, approvals, children, retries, paused) so far, in milliseconds.</summary>
    public long WaitingMs { get; set; }

    /// <summary>While the run waits: since when. Added to <see cref="WaitingMs"/> when it is claimed again or ends.</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    /// <summary>The wait in progress, if any, is over: counted into <see cref="WaitingMs"/>.</summary>
    public void EndWait(DateTimeOffset now)
    {
        if (WaitingSince is { } since)
        {
            WaitingMs += Math.Max(0, (long)(now - since).TotalMilliseconds);
            WaitingSince = null;
        }
    }

    public List<StepRun> Steps { get; set; } = [];
    public List<ExecutionKey> Keys { get; set; } = [];
}

public static class DeadLetterOutcomes
{
    public const string Replayed = "replayed";
    public const string Resumed = "resumed";
    public const string Discarded = "discarded";
}
