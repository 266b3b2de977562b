using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

public enum IdempotentOutcome { Started, Duplicate, Conflict }

/// <summary>What became of a webhook request with an idempotency key: the run it started, or the first run's id.</summary>
public sealed record IdempotentStart(IdempotentOutcome Outcome, Guid ExecutionId);

/// <summary>
/// Starts a webhook run at most once per idempotency key within <see cref="Window"/>. The receipt is written in the
/// same commit as the execution; its primary key (workflow, key) decides between two requests that arrive together,
/// so the loser's run is never written and it answers as a repeat.
/// </summary>
public sealed class IdempotentStarter(IDbContextFactory<DeskDbContext> dbFactory, ExecutionLauncher launcher, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <param name="alongside">Rows to write with the run (the request's webhook event), given the new execution's id.</param>
    public async Task<IdempotentStart> StartOnceAsync(
        Guid workflowId, string key, string bodyHash, RunRequest request, Actor actor, Action<DeskDbContext, Guid> alongside, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await EarlierAsync(workflowId, key, bodyHash, ct) is { } repeated)
        {
            return repeated;
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // A receipt past the window no longer counts: the key may start a run again.
            var expired = now - Window;
            await db.WebhookReceipts.Where(r => r.WorkflowId == workflowId && r.Key == key && r.ReceivedAt < expired).ExecuteDeleteAsync(ct);
        }
        try
        {
            var started = await launcher.StartAsync(workflowId, request, actor, (db, executionId) =>
            {
                db.WebhookReceipts.Add(new WebhookReceipt { WorkflowId = workflowId, Key = key, BodyHash = bodyHash, ExecutionId = executionId, ReceivedAt = now });
                alongside(db, executionId);
            }, ct);
            return new IdempotentStart(IdempotentOutcome.Started, started.Id);
        }
        catch (DbUpdateException)
        {
            // Another request with this key committed first; anything else is not ours to handle.
            if (await EarlierAsync(workflowId, key, bodyHash, ct) is { } earlier)
            {
                return earlier;
            }
            throw;
        }
    }

    private async Task<IdempotentStart?> EarlierAsync(Guid workflowId, string key, string bodyHash, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = time.GetUtcNow() - Window;
        var receipt = await db.WebhookReceipts.AsNoTracking()
            .SingleOrDefaultAsync(r => r.WorkflowId == workflowId && r.Key == key && r.ReceivedAt >= since, ct);
        return receipt is null ? null
            : new IdempotentStart(receipt.BodyHash == bodyHash ? IdempotentOutcome.Duplicate : IdempotentOutcome.Conflict, receipt.ExecutionId);
    }
}
