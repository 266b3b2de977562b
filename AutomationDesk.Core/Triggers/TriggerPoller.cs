using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Triggers;

/// <summary>What one poll took: how many messages or files started a run, and the last of them.</summary>
public sealed record PollOutcome(int Taken, string? LastItem)
{
    public static readonly PollOutcome Nothing = new(0, null);
}

/// <summary>
/// Polls the email and file triggers of enabled, unpaused workflows, each on its own interval. Which poll is due is
/// read from the database (<see cref="TriggerPoll.NextPollAt"/>), and a poll is claimed with a conditional UPDATE of that
/// time, so two nodes never poll one trigger at once. Every poll's outcome is kept on the row; a trigger whose polls
/// keep failing raises one notification per run of failures.
/// </summary>
public sealed partial class TriggerPoller(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, EmailPoll email, FilePoll files, NotificationService notifications,
    ScheduleOverview overview, IDeskEvents events, TimeProvider time, ILogger<TriggerPoller> logger)
{
    public static readonly TimeSpan MinEmailEvery = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinFileEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxEvery = TimeSpan.FromDays(1);

    /// <summary>Failed polls in a row that raise the notification; one notification per streak.</summary>
    public const int FailureThreshold = 3;

    /// <summary>Polls under way at once: a mail server that is slow to answer holds up one of these, not every trigger.</summary>
    public const int MaxParallelPolls = 4;

    /// <summary>Polls every trigger that is due; answers how many were polled.</summary>
    public async Task<int> PollDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        List<PolledWorkflow> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var paused = await db.ScheduleStates.AsNoTracking().Where(s => s.Paused).Select(s => s.WorkflowId).ToListAsync(ct);
            var next = await db.TriggerPolls.AsNoTracking().ToDictionaryAsync(p => p.WorkflowId, p => p.NextPollAt, ct);
            due = (await PolledWorkflow.LoadAsync(db, cache, null, ct))
                .Where(w => w.Enabled && !paused.Contains(w.WorkflowId) && (next.GetValueOrDefault(w.WorkflowId) is not { } at || at <= now))
                .ToList();
        }
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelPolls, CancellationToken = ct },
            async (workflow, token) => await PollAsync(workflow, token));
        return due.Count;
    }

    /// <summary>Claims and runs one poll of a workflow's trigger, and keeps its outcome. False when another poller had it.</summary>
    public async Task<bool> PollAsync(PolledWorkflow workflow, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        if (await ClaimAsync(workflow, now, ct) is not { } poll)
        {
            return false;
        }
        PollOutcome? outcome = null;
        string? error = null;
        try
        {
            outcome = workflow.Email is { } trigger ? await email.PollAsync(workflow, trigger, poll, ct) : await files.PollAsync(workflow, workflow.File!, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever a poll throws is its outcome: kept on the row, shown on the schedules page, counted toward the alert.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e is MailServerException or FileTriggerException or DeskProblemException ? e.Message : $"The poll failed: {e.Message}";
            Log.PollFailed(logger, e, workflow.Kind, workflow.Name);
        }
        await RecordAsync(workflow, poll, outcome, error, ct);
        return true;
    }

    /// <summary>
    /// Moves the row's next poll time on, unless another poller already did; a new trigger gets its row here, and one
    /// pointed at another source (connection, folder) starts its cursor afresh.
    /// </summary>
    private async Task<TriggerPoll?> ClaimAsync(PolledWorkflow workflow, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var poll = await db.TriggerPolls.AsNoTracking().SingleOrDefaultAsync(p => p.WorkflowId == workflow.WorkflowId, ct);
        var next = now + workflow.Every;
        if (poll is null)
        {
            poll = new TriggerPoll { WorkflowId = workflow.WorkflowId, Kind = workflow.Kind, Source = workflow.Source, NextPollAt = next, UpdatedAt = now };
            db.TriggerPolls.Add(poll);
            try
            {
                await db.SaveChangesAsync(ct);
                return poll;
            }
            catch (DbUpdateException)
            {
                return null; // Another poller made the row first, and polls now.
            }
        }
        var previous = poll.NextPollAt;
        var moved = poll.Source != workflow.Source || poll.Kind != workflow.Kind;
        var claimed = await db.TriggerPolls
            .Where(p => p.WorkflowId == workflow.WorkflowId && p.NextPollAt == previous)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextPollAt, next).SetProperty(p => p.UpdatedAt, now), ct) == 1;
        if (!claimed)
        {
            return null;
        }
        if (moved)
        {
            await db.TriggerPolls.Where(p => p.WorkflowId == workflow.WorkflowId).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Kind, workflow.Kind).SetProperty(p => p.Source, workflow.Source)
                .SetProperty(p => p.UidValidity, (long?)null).SetProperty(p => p.LastUid, (long?)null), ct);
            await db.TakenFiles.Where(f => f.WorkflowId == workflow.WorkflowId).ExecuteDeleteAsync(ct);
            poll.Kind = workflow.Kind;
            poll.Source = workflow.Source;
            poll.UidValidity = null;
            poll.LastUid = null;
        }
        poll.NextPollAt = next;
        return poll;
    }

    private async Task RecordAsync(PolledWorkflow workflow, TriggerPoll claimed, PollOutcome? outcome, string? error, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        bool raise;
        bool changed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var poll = await db.TriggerPolls.SingleOrDefaultAsync(p => p.WorkflowId == workflow.WorkflowId, ct);
            if (poll is null)
            {
                return; // The workflow was deleted meanwhile.
            }
            var failures = error is null ? 0 : poll.ConsecutiveFailures + 1;
            raise = failures == FailureThreshold;
            changed = outcome is { Taken: > 0 } || poll.LastError != error || poll.ConsecutiveFailures != failures;
            poll.LastPollAt = now;
            poll.LastError = error is { Length: > 2000 } ? error[..2000] : error;
            poll.ConsecutiveFailures = failures;
            if (outcome is { Taken: > 0, LastItem: var item })
            {
                poll.LastItemAt = now;
                poll.LastItem = item is { Length: > 200 } ? item[..200] : item;
            }
            poll.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        if (raise)
        {
            var what = workflow.Kind == TriggerTypes.Email ? $"the mailbox {workflow.Source}" : $"the folder '{workflow.Source}'";
            await notifications.CreateAsync(new NewNotification(
                $"The {workflow.Kind} trigger of '{workflow.Name}' keeps failing",
                $"The last {FailureThreshold} polls of {what} failed; the last one said: {error} It keeps polling and starts runs again once it succeeds.",
                NotificationType.Error, NotificationPriority.High, WorkflowId: workflow.WorkflowId,
                Id: StableId.Within(workflow.WorkflowId, $"trigger-poll-failing:{workflow.WorkflowId}:{now:O}")), ct);
        }
        if (changed && await overview.GetAsync(workflow.WorkflowId, ct) is { } view)
        {
            await events.ScheduleChangedAsync(view, ct);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} trigger of workflow {Workflow} failed to poll")]
        public static partial void PollFailed(ILogger logger, Exception exception, string kind, string workflow);
    }
}
