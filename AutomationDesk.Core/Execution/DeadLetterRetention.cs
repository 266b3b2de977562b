using Microsoft.Extensions.Configuration;

namespace AutomationDesk.Core.Execution;

/// <summary>How long a failed run stays in the dead-letter list, and so at least how long retention keeps it.</summary>
public static class DeadLetterRetention
{
    public const string Key = "DeadLetters:RetentionDays";
    public const int DefaultDays = 30;

    /// <summary><c>DeadLetters:RetentionDays</c> (default 30); older failed runs drop off the list.</summary>
    public static TimeSpan Of(IConfiguration configuration) => TimeSpan.FromDays(configuration.GetValue(Key, DefaultDays));

    /// <summary>A run in the dead-letter list: failed or timed out, not a draft's test run, and nobody has dealt with it yet.</summary>
    public static bool IsOpen(ExecutionStatus status, string? outcome, bool isDraft) =>
        RunRetry.IsDeadLetterStatus(status) && outcome is null && !isDraft;
}
