namespace AutomationDesk.Core.Execution;

/// <summary>A run already started to retry a failed one: shown before a second retry, so a side effect is not doubled by accident.</summary>
public sealed record EarlierRetry(Guid ExecutionId, ExecutionStatus Status, DateTimeOffset CreatedAt)
{
    /// <summary>The retry succeeded, so the failure it retried is dealt with.</summary>
    public bool Resolves => Status == ExecutionStatus.Succeeded;

    /// <summary>"Resolved by run X." when a retry succeeded, else "Already retried by run X (Running)."; null without retries.</summary>
    public static string? Describe(IReadOnlyList<EarlierRetry> retries)
    {
        if (retries.FirstOrDefault(r => r.Resolves) is { } resolving)
        {
            return $"Resolved by run {resolving.ExecutionId}.";
        }
        return retries.Count == 0
            ? null
            : $"Already retried by run {string.Join(", ", retries.Select(r => $"{r.ExecutionId} ({r.Status})"))}.";
    }
}
