using System.Globalization;
using System.Text.RegularExpressions;
using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>
/// Runs created in a window. <see cref="SuccessRate"/> is succeeded over ended-by-outcome (succeeded, failed, timed
/// out), so cancelled and skipped runs do not count against it. Durations are of finished runs.
/// </summary>
public sealed record MonitorStats(
    string Window, DateTimeOffset From, DateTimeOffset To, int Total, IReadOnlyDictionary<ExecutionStatus, int> ByStatus,
    double? SuccessRate, double? AverageDurationMs, long? P95DurationMs)
{
    public int Count(ExecutionStatus status) => ByStatus.GetValueOrDefault(status);
}

/// <summary>Runs created in one hour, by status.</summary>
public sealed record HourlyRuns(DateTimeOffset Hour, IReadOnlyDictionary<ExecutionStatus, int> ByStatus);

public sealed record MonitorDashboard(
    MonitorStats Day, MonitorStats Week, IReadOnlyList<HourlyRuns> RunsPerHour, IReadOnlyList<ExecutionSummary> Running,
    IReadOnlyList<ExecutionSummary> RecentFailures, int UnreadNotifications);

/// <summary>The figures of the dashboard and of <c>/api/v1/monitor</c>.</summary>
public static partial class MonitorQueries
{
    public const string Day = "24h";
    public const string Week = "7d";

    private static readonly ExecutionStatus[] Outcomes = [ExecutionStatus.Succeeded, ExecutionStatus.Failed, ExecutionStatus.TimedOut];
    private static readonly ExecutionStatus[] InProgress = [ExecutionStatus.Running, ExecutionStatus.Waiting, ExecutionStatus.Retrying, ExecutionStatus.Paused];
    private static readonly ExecutionStatus[] Failures = [ExecutionStatus.Failed, ExecutionStatus.TimedOut];

    /// <summary>Reads a window such as <c>24h</c> or <c>7d</c> (hours up to 2160, days up to 90).</summary>
    /// <exception cref="DeskProblemException">The text is not a window.</exception>
    public static TimeSpan ParseWindow(string text)
    {
        var match = WindowPattern().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var amount) || amount < 1)
        {
            throw DeskProblemException.InvalidField("window", $"'{text}' is not a window: use a number of hours or days such as 24h or 7d.");
        }
        var span = match.Groups[2].Value == "d" ? TimeSpan.FromDays(amount) : TimeSpan.FromHours(amount);
        return span <= TimeSpan.FromDays(90) ? span : throw DeskProblemException.InvalidField("window", "At most 90 days (90d).");
    }

    public static async Task<MonitorStats> StatsAsync(DeskDbContext db, string window, DateTimeOffset now, CancellationToken ct)
    {
        var from = now - ParseWindow(window);
        var inWindow = db.Executions.AsNoTracking().Where(e => e.CreatedAt >= from);
        var byStatus = await inWindow.GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var outcomes = Outcomes.Sum(s => byStatus.GetValueOrDefault(s));
        double? successRate = outcomes == 0 ? null : (double)byStatus.GetValueOrDefault(ExecutionStatus.Succeeded) / outcomes;
        var finished = inWindow.Where(e => e.FinishedAt != null && e.DurationMs != null).Select(e => e.DurationMs!.Value);
        var finishedCount = await finished.CountAsync(ct);
        double? average = finishedCount == 0 ? null : await finished.AverageAsync(ct);
        long? p95 = finishedCount == 0 ? null
            : await finished.OrderBy(d => d).Skip((int)Math.Ceiling(finishedCount * 0.95) - 1).FirstAsync(ct);
        return new MonitorStats(window, from, now, byStatus.Values.Sum(), byStatus, successRate, average, p95);
    }

    /// <summary>The dashboard; its unread notifications are those <paramref name="reader"/> has not read.</summary>
    public static async Task<MonitorDashboard> DashboardAsync(DeskDbContext db, DateTimeOffset now, string reader, CancellationToken ct)
    {
        var day = await StatsAsync(db, Day, now, ct);
        var week = await StatsAsync(db, Week, now, ct);
        var firstHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-23);
        var created = await db.Executions.AsNoTracking().Where(e => e.CreatedAt >= firstHour)
            .Select(e => new { e.CreatedAt, e.Status }).ToListAsync(ct);
        var perHour = Enumerable.Range(0, 24).Select(i => firstHour.AddHours(i))
            .Select(hour => new HourlyRuns(hour, created.Where(e => e.CreatedAt >= hour && e.CreatedAt < hour.AddHours(1))
                .GroupBy(e => e.Status).ToDictionary(g => g.Key, g => g.Count())))
            .ToList();
        var running = await Summaries(db.Executions.AsNoTracking().Where(e => InProgress.Contains(e.Status)).OrderByDescending(e => e.CreatedAt).Take(20)).ToListAsync(ct);
        var failures = await Summaries(db.Executions.AsNoTracking().Where(e => Failures.Contains(e.Status)).OrderByDescending(e => e.CreatedAt).Take(10)).ToListAsync(ct);
        var unread = await db.Notifications.UnreadBy(reader).CountAsync(ct);
        return new MonitorDashboard(day, week, perHour, running, failures, unread);
    }

    private static IQueryable<ExecutionSummary> Summaries(IQueryable<Execution> query) =>
        query.Select(e => new ExecutionSummary(e.Id, e.WorkflowId, e.WorkflowName, e.WorkflowVersion, e.Status, e.Progress, e.CurrentStepId,
            e.TriggerKind, e.CreatedAt, e.StartedAt, e.FinishedAt, e.DurationMs, e.ErrorHuman, e.CorrelationId, e.ParentExecutionId,
            e.ParentStepId, e.ItemIndex, e.DryRun));

    [GeneratedRegex("^([0-9]{1,4})([hd])$")]
    private static partial Regex WindowPattern();
}
