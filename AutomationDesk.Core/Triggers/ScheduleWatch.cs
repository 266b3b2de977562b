using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// Notices fires that did not happen, from the database alone: at start-up the ones the desk slept through (handled by
/// each schedule's misfire policy), and then every minute the ones whose job was lost. It also raises the
/// <c>alertAfter</c> notification when a schedule has gone too long without a successful run.
/// </summary>
public sealed partial class ScheduleWatch(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, ScheduleFiring firing, NotificationService notifications,
    TimeProvider time, ILogger<ScheduleWatch> logger)
{
    /// <summary>How late a fire may be before the watch calls it missed: its job normally runs within a second or two.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a start: the fires due while the desk was down are recorded as <c>Missed</c>; with misfire <c>runOnce</c>
    /// one run starts now for the latest of them. One notification per schedule sums it up. Answers how many schedules missed fires.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        var caughtUp = 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var (schedule, lastFire) in await ActiveAsync(db, ct))
        {
            var due = ScheduleFiring.DueBetween(schedule.Calendar, lastFire, now);
            if (due.Count == 0 || !await ScheduleFiring.ClaimAsync(db, schedule.WorkflowId, lastFire, due.Latest, now, ct))
            {
                continue;
            }
            await firing.RecordMissedAsync(db, schedule, due.Times, at => $"The desk was not running at {at:u}.", now, ct);
            var runOnce = schedule.Trigger.Misfire == ScheduleFiring.MisfireRunOnce;
            if (runOnce)
            {
                await firing.StartAsync(db, schedule, due.Latest, now, ct);
            }
            await notifications.CreateAsync(new NewNotification(
                $"Schedule '{schedule.Name}' missed {ScheduleFiring.CountText(due.Count, due.Counted)} while the desk was down",
                $"The desk was not running from {lastFire:u} to {now:u}; the fires due from {due.Times[0]:u} to {due.Latest:u} are recorded as Missed. "
                + (runOnce ? "One run was started now (misfire: runOnce)." : "None was run (misfire: skip)."),
                NotificationType.Warning, NotificationPriority.High, WorkflowId: schedule.WorkflowId), ct);
            await firing.AnnounceAsync(schedule.WorkflowId, ct);
            caughtUp++;
        }
        Log.CaughtUp(logger, caughtUp);
        return caughtUp;
    }

    /// <summary>
    /// The periodic check: a fire due more than <see cref="Grace"/> ago that did not happen is recorded as <c>Missed</c>
    /// with a notification; a run held behind another (overlap <c>queue</c>) is let go when nothing is ahead of it; and a
    /// schedule silent past its <c>alertAfter</c> raises one notification until it succeeds again.
    /// </summary>
    public async Task WatchAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var (schedule, lastFire) in await ActiveAsync(db, ct))
        {
            var due = ScheduleFiring.DueBetween(schedule.Calendar, lastFire, now - Grace);
            if (due.Count > 0 && await ScheduleFiring.ClaimAsync(db, schedule.WorkflowId, lastFire, due.Latest, now, ct))
            {
                await firing.RecordMissedAsync(db, schedule, due.Times, at => $"The fire due at {at:u} did not happen: its job was lost or never ran.", now, ct);
                await notifications.CreateAsync(new NewNotification(
                    $"Schedule '{schedule.Name}' missed {ScheduleFiring.CountText(due.Count, due.Counted)}",
                    $"The fires due from {due.Times[0]:u} to {due.Latest:u} did not happen and are recorded as Missed.",
                    NotificationType.Warning, NotificationPriority.High, WorkflowId: schedule.WorkflowId), ct);
                await firing.AnnounceAsync(schedule.WorkflowId, ct);
            }
            if (schedule.Trigger.Overlap == ScheduleFiring.OverlapQueue)
            {
                await firing.ReleaseHeldAsync(schedule.WorkflowId, ct);
            }
            if (schedule.Trigger.AlertAfter is { } alertAfter)
            {
                await CheckSilenceAsync(db, schedule, alertAfter, now, ct);
            }
        }
    }

    private async Task CheckSilenceAsync(DeskDbContext db, ScheduledWorkflow schedule, TimeSpan alertAfter, DateTimeOffset now, CancellationToken ct)
    {
        var lastSuccess = await db.Executions.AsNoTracking()
            .Where(e => e.WorkflowId == schedule.WorkflowId && e.Status == ExecutionStatus.Succeeded)
            .OrderByDescending(e => e.CreatedAt)
            .Select(e => e.FinishedAt ?? e.CreatedAt)
            .Cast<DateTimeOffset?>()
            .FirstOrDefaultAsync(ct);
        var state = await db.ScheduleStates.SingleAsync(s => s.WorkflowId == schedule.WorkflowId, ct);
        state.LastSuccessAt = lastSuccess;
        if (state.SilenceAlertedAt is { } alerted && lastSuccess >= alerted)
        {
            state.SilenceAlertedAt = null;
        }
        var since = lastSuccess ?? schedule.CreatedAt;
        var raise = now - since > alertAfter && state.SilenceAlertedAt is null;
        if (raise)
        {
            state.SilenceAlertedAt = now;
        }
        if (db.ChangeTracker.HasChanges())
        {
            state.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        db.ChangeTracker.Clear();
        if (raise)
        {
            await notifications.CreateAsync(new NewNotification(
                $"Schedule '{schedule.Name}' has not succeeded for over {alertAfter}",
                lastSuccess is { } at ? $"Its last successful run ended at {at:u}." : $"It has not succeeded since it was created at {schedule.CreatedAt:u}.",
                NotificationType.Error, NotificationPriority.High, WorkflowId: schedule.WorkflowId), ct);
        }
    }

    /// <summary>Enabled, unpaused schedules with the last due time the desk dealt with.</summary>
    private async Task<List<(ScheduledWorkflow Schedule, DateTimeOffset LastFire)>> ActiveAsync(DeskDbContext db, CancellationToken ct)
    {
        var states = await db.ScheduleStates.AsNoTracking()
            .Where(s => !s.Paused && s.LastFireAt != null)
            .Select(s => new { s.WorkflowId, s.LastFireAt })
            .ToDictionaryAsync(s => s.WorkflowId, s => s.LastFireAt!.Value, ct);
        var schedules = await ScheduledWorkflow.LoadAsync(db, cache, states.Keys.ToList(), ct);
        return schedules.Where(s => s.Enabled).Select(s => (s, states[s.WorkflowId])).ToList();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "{Count} schedules missed fires while the desk was down")]
        public static partial void CaughtUp(ILogger logger, int count);
    }
}
