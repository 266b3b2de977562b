using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Hubs;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>Waits, without polling, for a run to reach a final state (for <c>execute?wait=true</c>).</summary>
public sealed class ExecutionWaiter(LiveDeskEvents events, IDbContextFactory<DeskDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The finished run's detail, or null when it is still going after <paramref name="timeout"/>.</summary>
    public async Task<ExecutionDetail?> WaitForFinalAsync(Guid id, TimeSpan timeout, CancellationToken ct)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(ExecutionSummary execution)
        {
            if (execution.Id == id && execution.Status.IsFinal())
            {
                finished.TrySetResult();
            }
        }
        events.ExecutionChanged += OnChange;
        try
        {
            // Subscribed first, then looked: a run that ended in between is seen either way.
            var detail = await ExecutionsApi.LoadDetailAsync(dbFactory, id, ct);
            if (detail is null || detail.Status.IsFinal())
            {
                return detail;
            }
            try
            {
                await finished.Task.WaitAsync(timeout, time, ct);
            }
            catch (TimeoutException)
            {
                return null;
            }
            return await ExecutionsApi.LoadDetailAsync(dbFactory, id, ct);
        }
        finally
        {
            events.ExecutionChanged -= OnChange;
        }
    }
}
