using System.Collections.Concurrent;
using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Hubs;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// Lets a run held by the overlap policy <c>queue</c> go as soon as the run ahead of it ends: it follows the workflows
/// that have held a run, and on the end of any of their runs hands the release to a job (the event comes from inside
/// a run and must not wait on the database). The minute-by-minute watch releases too, for a lost event or a restart.
/// The set only grows with the workflows that ever held a run, so it is never larger than the number of workflows.
/// </summary>
public sealed class HeldRunRelease(LiveDeskEvents events, IBackgroundJobClient jobs) : IHostedService
{
    private readonly ConcurrentDictionary<Guid, byte> _followed = new();

    public void Follow(Guid workflowId) => _followed.TryAdd(workflowId, 0);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        events.ExecutionChanged += OnExecutionChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        events.ExecutionChanged -= OnExecutionChanged;
        return Task.CompletedTask;
    }

    private void OnExecutionChanged(ExecutionSummary execution)
    {
        if (execution.Status.IsFinal() && _followed.ContainsKey(execution.WorkflowId))
        {
            var workflowId = execution.WorkflowId;
            jobs.Enqueue<ScheduleFireJob>(job => job.ReleaseAsync(workflowId, CancellationToken.None));
        }
    }
}
