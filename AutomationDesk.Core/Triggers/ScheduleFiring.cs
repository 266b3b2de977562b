using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>What one fire of a schedule did.</summary>
public enum FireOutcome
{
    /// <summary>No fire was due since the last one the desk dealt with (a repeat of the job, or a tick between fires).</summary>
    NothingDue,
    Started,
    /// <summary>Overlap <c>queue</c>: the run is written <c>Queued</c> and waits for the run ahead of it to end.</summary>
    Held,
    /// <summary>Overlap <c>skip</c>: a <c>Skipped</c> row says which run was still going.</summary>
    Skipped,
}

public sealed record FireResult(FireOutcome Outcome, Guid? ExecutionId);

/// <summary>
/// Fires schedules. The job that calls <see cref="FireAsync"/> carries only the workflow id; which due time it stands
/// for is worked out here from the schedule's calendar and the last due time the desk dealt with, so a repeated or
/// early job fires nothing and a late one fires once. That due time is claimed with a conditional UPDATE before the run
/// starts, so two jobs never fire the same due time twice.
/// </summary>
public sealed class ScheduleFiring(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, ExecutionLauncher launcher, IExecutionDispatcher dispatcher,
    NotificationService notifications, ScheduleOverview overview, IDeskEvents events, TimeProvider time)
{
    public const string OverlapSkip = "skip";
    public const string OverlapQueue = "queue";
    public const string MisfireRunOnce = "runOnce";

    /// <summary>Missed due times kept as rows per occasion; older ones are only counted.</summary>
    public const int MaxMissedRows = 100;

    /// <summary>Past this many missed due times the count says "at least".</summary>
    public const int MaxMissedCounted = 100_000;

    private static readonly List<ExecutionStatus> OpenStatuses = Enum.GetValues<ExecutionStatus>().Where(s => !s.IsFinal()).ToList();

    public async Task<FireResult> FireAsync(Guid workflowId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await ScheduledWorkflow.LoadAsync(db, cache, workflowId, ct);
        var state = await db.ScheduleStates.AsNoTracking().SingleOrDefaultAsync(s => s.WorkflowId == workflowId, ct);
        if (schedule is not { Enabled: true } || state is not { Paused: false, LastFireAt: { } lastFire })
        {
            return new FireResult(FireOutcome.NothingDue, null); // The job outlived its schedule; the registry removes it.
        }
        var due = DueBetween(schedule.Calendar, lastFire, now);
        if (due.Count == 0 || !await ClaimAsync(db, workflowId, lastFire, due.Latest, now, ct))
        {
            return new FireResult(FireOutcome.NothingDue, null);
        }
        if (due.Count > 1)
        {
            // The job ran late (the desk was busy or paused): the due times it slept through are missed, the latest fires.
            var missed = due.Times.Take(due.Times.Count - 1).ToList();
            await RecordMissedAsync(db, schedule, missed, at => $"The fire due at {at:u} did not happen in time: the next one ran instead.", now, ct);
            await notifications.CreateAsync(new NewNotification(
                $"Schedule '{schedule.Name}' missed {CountText(due.Count - 1, due.Counted)}",
                $"Fires from {missed[0]:u} to {missed[^1]:u} came too late and were recorded as Missed; the fire due at {due.Latest:u} ran.",
                NotificationType.Warning, NotificationPriority.High, WorkflowId: workflowId), ct);
        }
        var result = await StartAsync(db, schedule, due.Latest, now, ct);
        await AnnounceAsync(workflowId, ct);
        return result;
    }

    /// <summary>
    /// Dispatches the oldest run of a workflow that waits behind another (overlap <c>queue</c>) once no run of it is under
    /// way any more. The oldest open run may be one already dispatched and not yet started: dispatching it again is
    /// harmless (only one worker can claim it), and the runs behind it stay held. Answers whether it dispatched one.
    /// </summary>
    public async Task<bool> ReleaseHeldAsync(Guid workflowId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = await db.Executions.AsNoTracking()
            .Where(e => e.WorkflowId == workflowId && e.ParentStepId == null && !e.DryRun && OpenStatuses.Contains(e.Status))
            .OrderBy(e => e.CreatedAt)
            .Select(e => new { e.Id, e.Status })
            .ToListAsync(ct);
        if (open.Count == 0 || open.Any(e => e.Status != ExecutionStatus.Queued))
        {
            return false;
        }
        var next = open[0].Id;
        await db.Executions.Where(e => e.Id == next && e.DueAt == ExecutionLauncher.HeldUntilReleased)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.DueAt, (DateTimeOffset?)null), ct);
        await dispatcher.DispatchAsync(next, ct);
        return true;
    }

    /// <summary>Starts the run for one due time by the schedule's overlap policy, and remembers it on the state row.</summary>
    internal async Task<FireResult> StartAsync(DeskDbContext db, ScheduledWorkflow schedule, DateTimeOffset due, DateTimeOffset now, CancellationToken ct)
    {
        var input = new JsonObject { ["scheduledAt"] = due.ToUniversalTime(), ["firedAt"] = now };
        var running = await db.Executions.AsNoTracking()
            .Where(e => e.WorkflowId == schedule.WorkflowId && e.ParentStepId == null && !e.DryRun && OpenStatuses.Contains(e.Status))
            .OrderBy(e => e.CreatedAt)
            .Select(e => new { e.Id, e.Status })
            .FirstOrDefaultAsync(ct);
        FireResult result;
        if (running is not null && schedule.Trigger.Overlap == OverlapSkip)
        {
            var skipped = NotRun(schedule, due, ExecutionStatus.Skipped, now,
                $"Skipped: run {running.Id} of this workflow was still {running.Status} when the fire due at {due:u} came (overlap: skip).");
            skipped.TriggerInputJson = input.ToJsonString();
            db.Executions.Add(skipped);
            await ExecutionEventLog.SaveChangesAsync(db, now, ct);
            await events.ExecutionChangedAsync(ExecutionSummary.From(skipped), ct);
            result = new FireResult(FireOutcome.Skipped, skipped.Id);
        }
        else
        {
            var held = running is not null && schedule.Trigger.Overlap == OverlapQueue;
            var started = await launcher.StartAsync(schedule.WorkflowId, new RunRequest(TriggerTypes.Schedule, input, Held: held), Actor.System, ct);
            result = new FireResult(held ? FireOutcome.Held : FireOutcome.Started, started.Id);
        }
        await db.ScheduleStates.Where(s => s.WorkflowId == schedule.WorkflowId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastExecutionId, result.ExecutionId), ct);
        return result;
    }

    /// <summary>Moves the state's last due time from <paramref name="from"/> to <paramref name="to"/>, unless someone else already did.</summary>
    internal static async Task<bool> ClaimAsync(DeskDbContext db, Guid workflowId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        var newest = to.ToUniversalTime();
        return await db.ScheduleStates
            .Where(s => s.WorkflowId == workflowId && s.LastFireAt == from && !s.Paused)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastFireAt, newest).SetProperty(x => x.UpdatedAt, now), ct) == 1;
    }

    /// <summary>Writes one <c>Missed</c> row per due time, each with the reason it did not run.</summary>
    internal async Task RecordMissedAsync(
        DeskDbContext db, ScheduledWorkflow schedule, IReadOnlyList<DateTimeOffset> dueTimes, Func<DateTimeOffset, string> reason, DateTimeOffset now, CancellationToken ct)
    {
        if (dueTimes.Count == 0)
        {
            return;
        }
        var rows = dueTimes.Select(at => NotRun(schedule, at, ExecutionStatus.Missed, now, reason(at))).ToList();
        db.Executions.AddRange(rows);
        await ExecutionEventLog.SaveChangesAsync(db, now, ct);
        foreach (var row in rows)
        {
            await events.ExecutionChangedAsync(ExecutionSummary.From(row), ct);
        }
    }

    internal async Task AnnounceAsync(Guid workflowId, CancellationToken ct)
    {
        if (await overview.GetAsync(workflowId, ct) is { } view)
        {
            await events.ScheduleChangedAsync(view, ct);
        }
    }

    /// <summary>The due times in (<paramref name="after"/>, <paramref name="until"/>]: how many, and the latest <see cref="MaxMissedRows"/> of them.</summary>
    internal static DueTimes DueBetween(ScheduleCalendar calendar, DateTimeOffset after, DateTimeOffset until)
    {
        var latest = new Queue<DateTimeOffset>();
        var count = 0;
        var cursor = after;
        while (count < MaxMissedCounted && calendar.NextAfter(cursor) is { } next && next <= until)
        {
            latest.Enqueue(next.ToUniversalTime());
            if (latest.Count > MaxMissedRows)
            {
                latest.Dequeue();
            }
            count++;
            cursor = next;
        }
        return new DueTimes(count, count < MaxMissedCounted, latest.ToList());
    }

    internal static string CountText(int count, bool exact) =>
        (exact ? "" : "at least ") + (count == 1 ? "1 fire" : $"{count} fires");

    /// <summary>A row for a due time that started no run: skipped by the overlap policy, or missed.</summary>
    private static Execution.Execution NotRun(ScheduledWorkflow schedule, DateTimeOffset due, ExecutionStatus status, DateTimeOffset now, string reason)
    {
        // A missed row stands where its fire should have been in the history; a skipped one when it was refused.
        var at = status == ExecutionStatus.Missed ? due.ToUniversalTime() : now;
        var id = Guid.CreateVersion7(at);
        return new Execution.Execution
        {
            Id = id,
            WorkflowId = schedule.WorkflowId,
            WorkflowName = schedule.Name,
            WorkflowVersion = schedule.Version,
            Status = status,
            TriggerKind = TriggerTypes.Schedule,
            TriggerInputJson = new JsonObject { ["scheduledAt"] = due.ToUniversalTime() }.ToJsonString(),
            CreatedAt = at,
            FinishedAt = now,
            ErrorHuman = reason,
            CorrelationId = id.ToString("N"),
        };
    }

    internal sealed record DueTimes(int Count, bool Counted, IReadOnlyList<DateTimeOffset> Times)
    {
        public DateTimeOffset Latest => Times[^1];
    }
}
