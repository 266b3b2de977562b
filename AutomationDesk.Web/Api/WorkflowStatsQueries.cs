using System.Globalization;
using System.Text.RegularExpressions;
using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>
/// One workflow's runs over a window of whole UTC days (today and the days before it). <see cref="SuccessRate"/> is
/// succeeded over ended-by-outcome (succeeded, failed, timed out), as on the dashboard; durations are of finished runs.
/// </summary>
public sealed record WorkflowStats(
    int Runs, double? SuccessRate, long? P50Ms, long? P95Ms, IReadOnlyList<DayStats> PerDay,
    IReadOnlyList<SlowStep> SlowestSteps, IReadOnlyList<FrequentError> TopErrors);

/// <summary>Runs created on one UTC day (<c>yyyy-MM-dd</c>): failed counts timed out too; other is the rest (cancelled, skipped, still going).</summary>
public sealed record DayStats(string Date, int Succeeded, int Failed, int Other, long? P50Ms, long? P95Ms);

public sealed record SlowStep(string StepId, long P95Ms);

public sealed record FrequentError(string Message, int Count);

/// <summary>
/// The figures of <c>GET /api/v1/workflows/{id}/stats</c> and of the workflow's Analytics tab. Dry runs and test runs
/// (the editor's Test run, drafts) are left out: they show how the workflow was being built, not how it runs.
/// </summary>
public static partial class WorkflowStatsQueries
{
    public const string DefaultWindow = "7d";
    public static readonly IReadOnlyList<string> Windows = ["7d", "30d", "90d"];
    public const int MaxDays = 90;
    public const int TopCount = 5;

    /// <summary>Reads a window of whole days, <c>1d</c> to <c>90d</c>.</summary>
    /// <exception cref="DeskProblemException">The text is not such a window.</exception>
    public static int ParseWindow(string text)
    {
        var match = WindowPattern().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var days) || days < 1)
        {
            throw DeskProblemException.InvalidField("window", $"'{text}' is not a window: use a number of days such as 7d, 30d or 90d.");
        }
        return days <= MaxDays ? days : throw DeskProblemException.InvalidField("window", $"At most {MaxDays} days ({MaxDays}d).");
    }

    /// <summary>The workflow's figures, or null when there is no such workflow.</summary>
    public static async Task<WorkflowStats?> StatsAsync(DeskDbContext db, Guid workflowId, string window, DateTimeOffset now, CancellationToken ct)
    {
        var days = ParseWindow(window);
        if (!await db.Workflows.AnyAsync(w => w.Id == workflowId, ct))
        {
            return null;
        }
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var from = today.AddDays(1 - days);
        var inWindow = db.Executions.AsNoTracking()
            .Where(e => e.WorkflowId == workflowId && e.CreatedAt >= from && !e.DryRun && e.TriggerKind != ExecutionLauncher.TestTriggerKind);

        // One read over the (WorkflowId, CreatedAt) index, three small columns a run: SQLite cannot group the stored
        // times by day, and every per-day figure comes from these rows.
        var runs = await inWindow.Select(e => new Run(e.CreatedAt, e.Status, e.FinishedAt != null ? e.DurationMs : null)).ToListAsync(ct);
        var perDay = Enumerable.Range(0, days).Select(i => from.AddDays(i)).Select(day =>
        {
            var ofDay = runs.Where(r => r.CreatedAt >= day && r.CreatedAt < day.AddDays(1)).ToList();
            var succeeded = ofDay.Count(r => r.Status == ExecutionStatus.Succeeded);
            var failed = ofDay.Count(r => r.Status is ExecutionStatus.Failed or ExecutionStatus.TimedOut);
            var (p50, p95) = Percentiles(ofDay);
            return new DayStats(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), succeeded, failed, ofDay.Count - succeeded - failed, p50, p95);
        }).ToList();
        var outcomes = runs.Count(r => r.Status is ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.TimedOut);
        double? successRate = outcomes == 0 ? null : (double)runs.Count(r => r.Status == ExecutionStatus.Succeeded) / outcomes;
        var (p50Ms, p95Ms) = Percentiles(runs);

        var topErrors = await inWindow
            .Where(e => (e.Status == ExecutionStatus.Failed || e.Status == ExecutionStatus.TimedOut) && e.ErrorHuman != null)
            .GroupBy(e => e.ErrorHuman!)
            .Select(g => new { Message = g.Key, Count = g.Count() })
            .OrderByDescending(e => e.Count).ThenBy(e => e.Message)
            .Take(TopCount)
            .ToListAsync(ct);
        return new WorkflowStats(runs.Count, successRate, p50Ms, p95Ms, perDay, await SlowestStepsAsync(db, inWindow, ct),
            topErrors.Select(e => new FrequentError(e.Message, e.Count)).ToList());
    }

    /// <summary>The p95 of each step's ended attempts (succeeded or failed), slowest first; computed in SQL, a step at a time.</summary>
    private static async Task<List<SlowStep>> SlowestStepsAsync(DeskDbContext db, IQueryable<Execution> runs, CancellationToken ct)
    {
        var timed = db.StepRuns.AsNoTracking()
            .Where(s => runs.Any(e => e.Id == s.ExecutionId) && s.DurationMs != null
                && (s.Status == StepStatus.Succeeded || s.Status == StepStatus.Failed));
        var counts = await timed.GroupBy(s => s.StepId).Select(g => new { StepId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var slowest = new List<SlowStep>();
        foreach (var step in counts)
        {
            var p95 = await timed.Where(s => s.StepId == step.StepId).Select(s => s.DurationMs!.Value)
                .OrderBy(d => d).Skip(Rank(step.Count, 0.95)).FirstAsync(ct);
            slowest.Add(new SlowStep(step.StepId, p95));
        }
        return slowest.OrderByDescending(s => s.P95Ms).ThenBy(s => s.StepId, StringComparer.Ordinal).Take(TopCount).ToList();
    }

    private static (long? P50, long? P95) Percentiles(IEnumerable<Run> runs)
    {
        var durations = runs.Where(r => r.DurationMs is not null).Select(r => r.DurationMs!.Value).Order().ToList();
        return durations.Count == 0 ? (null, null) : (durations[Rank(durations.Count, 0.5)], durations[Rank(durations.Count, 0.95)]);
    }

    /// <summary>Nearest rank, as the dashboard's p95: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    private static int Rank(int count, double p) => (int)Math.Ceiling(count * p) - 1;

    private sealed record Run(DateTimeOffset CreatedAt, ExecutionStatus Status, long? DurationMs);

    [GeneratedRegex("^([0-9]{1,4})d$")]
    private static partial Regex WindowPattern();
}
