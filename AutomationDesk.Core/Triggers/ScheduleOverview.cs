using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>The last run a schedule started (or skipped, or missed).</summary>
public sealed record ScheduleLastRun(Guid Id, ExecutionStatus Status, DateTimeOffset At);

/// <summary>
/// One schedule as the schedules page, the API and the live channel show it. <see cref="Kind"/> is <c>schedule</c>, or
/// <c>email</c> / <c>file</c> for a polled trigger, which also has <see cref="Poll"/> (its next run is its next poll).
/// </summary>
public sealed record ScheduleView(
    Guid WorkflowId, string WorkflowName, bool Enabled, bool Paused, string Expression, string Description, string TimeZone,
    string Overlap, string Misfire, TimeSpan? AlertAfter, IReadOnlyList<ScheduledFire> NextRuns, ScheduleLastRun? LastRun, int MissedLastWeek,
    string Kind = TriggerTypes.Schedule, PollView? Poll = null);

/// <summary>How a polled trigger is doing: when it polls next and last did, what it last took, its last error.</summary>
public sealed record PollView(
    TimeSpan Every, DateTimeOffset? NextPollAt, DateTimeOffset? LastPollAt, DateTimeOffset? LastItemAt, string? LastItem, string? LastError, int ConsecutiveFailures);

/// <summary>Reads schedules for lists: what each will do next, what it did last, and how often it missed lately.</summary>
public sealed class ScheduleOverview(IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, TimeProvider time)
{
    public const int NextRunCount = 5;
    public static readonly TimeSpan MissedWindow = TimeSpan.FromDays(7);

    /// <summary>The triggers the page lists: cron schedules and the polled ones beside them.</summary>
    private static readonly List<string> Kinds = [TriggerTypes.Schedule, TriggerTypes.Email, TriggerTypes.File];

    /// <summary>Schedules whose workflow name contains <paramref name="search"/>, by name, one page of them, and how many match.</summary>
    public async Task<(IReadOnlyList<ScheduleView> Items, int Total)> ListAsync(string? search, int page, int pageSize, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Workflows.AsNoTracking().Where(w => Kinds.Contains(w.TriggerType));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim().ToLowerInvariant();
#pragma warning disable CA1862 // ToLower is translated to SQL lower(): a case-blind search that takes the text literally.
            query = query.Where(w => w.Name.ToLower().Contains(text));
#pragma warning restore CA1862
        }
        var total = await query.CountAsync(ct);
        var ids = await query.OrderBy(w => w.Name).ThenBy(w => w.Id).Skip((int)Math.Min(((long)page - 1) * pageSize, int.MaxValue)).Take(pageSize).Select(w => w.Id).ToListAsync(ct);
        var views = await ViewsAsync(db, ids, ct);
        return (ids.Select(id => views.GetValueOrDefault(id)).OfType<ScheduleView>().ToList(), total);
    }

    /// <summary>One schedule, or null when the workflow is unknown or not a schedule.</summary>
    public async Task<ScheduleView?> GetAsync(Guid workflowId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await ViewsAsync(db, [workflowId], ct)).GetValueOrDefault(workflowId);
    }

    private async Task<Dictionary<Guid, ScheduleView>> ViewsAsync(DeskDbContext db, List<Guid> ids, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        var schedules = await ScheduledWorkflow.LoadAsync(db, cache, ids, ct);
        var paused = await db.ScheduleStates.AsNoTracking().Where(s => ids.Contains(s.WorkflowId) && s.Paused).Select(s => s.WorkflowId).ToListAsync(ct);
        var missedSince = now - MissedWindow;
        var missed = await db.Executions.AsNoTracking()
            .Where(e => ids.Contains(e.WorkflowId) && e.Status == ExecutionStatus.Missed && e.CreatedAt >= missedSince)
            .GroupBy(e => e.WorkflowId).Select(g => new { WorkflowId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(m => m.WorkflowId, m => m.Count, ct);
        var views = new Dictionary<Guid, ScheduleView>();
        foreach (var schedule in schedules)
        {
            var last = await db.Executions.AsNoTracking()
                .Where(e => e.WorkflowId == schedule.WorkflowId && e.TriggerKind == TriggerTypes.Schedule)
                .OrderByDescending(e => e.CreatedAt)
                .Select(e => new ScheduleLastRun(e.Id, e.Status, e.CreatedAt))
                .FirstOrDefaultAsync(ct);
            var isPaused = paused.Contains(schedule.WorkflowId);
            var trigger = schedule.Trigger;
            views[schedule.WorkflowId] = new ScheduleView(
                schedule.WorkflowId, schedule.Name, schedule.Enabled, isPaused, schedule.Expression, schedule.Calendar.Describe(),
                schedule.Calendar.Zone.Id, trigger.Overlap, trigger.Misfire, trigger.AlertAfter,
                schedule.Enabled && !isPaused ? schedule.Calendar.Next(now, NextRunCount) : [],
                last, missed.GetValueOrDefault(schedule.WorkflowId));
        }
        await AddPolledAsync(db, ids, paused, views, ct);
        return views;
    }

    private async Task AddPolledAsync(DeskDbContext db, List<Guid> ids, List<Guid> paused, Dictionary<Guid, ScheduleView> views, CancellationToken ct)
    {
        var polled = await PolledWorkflow.LoadAsync(db, cache, ids, ct);
        if (polled.Count == 0)
        {
            return;
        }
        var polledIds = polled.Select(p => p.WorkflowId).ToList();
        var polls = await db.TriggerPolls.AsNoTracking().Where(p => polledIds.Contains(p.WorkflowId)).ToDictionaryAsync(p => p.WorkflowId, ct);
        var now = time.GetUtcNow().ToUniversalTime();
        foreach (var workflow in polled)
        {
            var last = await db.Executions.AsNoTracking()
                .Where(e => e.WorkflowId == workflow.WorkflowId && e.TriggerKind == workflow.Kind)
                .OrderByDescending(e => e.CreatedAt)
                .Select(e => new ScheduleLastRun(e.Id, e.Status, e.CreatedAt))
                .FirstOrDefaultAsync(ct);
            var isPaused = paused.Contains(workflow.WorkflowId);
            var poll = polls.GetValueOrDefault(workflow.WorkflowId);
            // A new trigger, or one pointed elsewhere, polls at the poller's next pass.
            DateTimeOffset? next = !workflow.Enabled || isPaused ? null : poll is { NextPollAt: { } at } && poll.Source == workflow.Source ? at : now;
            var every = workflow.Every;
            var description = workflow.Email is { } email
                ? $"Every {Words(every)}: each new message in {email.Folder} of '{email.Connection}' starts a run{(email.MarkSeen ? ", then is marked seen" : "")}"
                : $"Every {Words(every)}: each new file matching {workflow.File!.Pattern} in {workflow.File.Folder} starts a run, then is {Then(workflow.File.Then)}";
            views[workflow.WorkflowId] = new ScheduleView(
                workflow.WorkflowId, workflow.Name, workflow.Enabled, isPaused, workflow.Email is { } e ? $"{e.Connection} · {e.Folder}" : $"{workflow.File!.Folder}/{workflow.File.Pattern}",
                description, "UTC", "", "", null, next is { } n ? [new ScheduledFire(n, false)] : [], last, 0, workflow.Kind,
                new PollView(every, next, poll?.LastPollAt, poll?.LastItemAt, poll?.LastItem, poll?.LastError, poll?.ConsecutiveFailures ?? 0));
        }
    }

    private static string Then(string then) => then switch
    {
        FileTriggerPaths.Delete => "deleted",
        FileTriggerPaths.Keep => "kept",
        _ => "moved to processed/",
    };

    private static string Words(TimeSpan every) =>
        every.TotalDays >= 1 && every.Ticks % TimeSpan.TicksPerDay == 0 ? Plural((int)every.TotalDays, "day")
        : every.Ticks % TimeSpan.TicksPerHour == 0 ? Plural((int)every.TotalHours, "hour")
        : every.Ticks % TimeSpan.TicksPerMinute == 0 ? Plural((int)every.TotalMinutes, "minute")
        : Plural((int)every.TotalSeconds, "second");

    private static string Plural(int n, string unit) => n == 1 ? unit : $"{n} {unit}s";
}
