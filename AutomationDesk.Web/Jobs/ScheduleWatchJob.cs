using AutomationDesk.Core.Triggers;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>The recurring job <c>schedules:watch</c>: missed fires, held runs to let go, silent schedules.</summary>
[AutomaticRetry(Attempts = 0)]
[DisableConcurrentExecution(timeoutInSeconds: 60)]
public sealed class ScheduleWatchJob(ScheduleWatch watch)
{
    public Task ExecuteAsync(CancellationToken ct) => watch.WatchAsync(ct);
}
