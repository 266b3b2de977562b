using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Maintenance;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// The recurring job <c>retention:prune</c>, daily at <c>Retention:Cron</c> (03:00 UTC by default): applies retention.
/// Hangfire's distributed lock keeps it to one run across the cluster; a prune that stops halfway is simply taken up by
/// the next (each batch it committed is complete on its own).
/// </summary>
[AutomaticRetry(Attempts = 0)]
[DisableConcurrentExecution(timeoutInSeconds: 60)]
public sealed class RetentionJob(RetentionPrune prune)
{
    public const string JobId = "retention:prune";

    public Task<PruneResult> ExecuteAsync(CancellationToken ct) => prune.PruneAsync(Actor.System, null, ct);
}
