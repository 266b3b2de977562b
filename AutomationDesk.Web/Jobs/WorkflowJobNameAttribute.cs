using AutomationDesk.Core.Persistence;
using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Jobs;

/// <summary>What a job's first <see cref="Guid"/> argument names: a run (its workflow is read from the run) or a workflow.</summary>
public enum WorkflowJobSubject
{
    Execution,
    Workflow,
}

/// <summary>
/// Names a job on Hangfire's dashboard by its workflow ("Run: Daily report") instead of its method and ids. The name is
/// read from the database when the dashboard shows the job, not carried in the job: jobs keep taking only ids (so jobs
/// enqueued before this attribute, with the same signature, are named too) and dispatching a run costs no extra read.
/// A run keeps the workflow name it started with; a schedule job shows the workflow's current name.
/// </summary>
/// <param name="format">A format whose <c>{0}</c> is the workflow's name, as in <see cref="JobDisplayNameAttribute"/>.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WorkflowJobNameAttribute(string format, WorkflowJobSubject subject) : JobDisplayNameAttribute(format)
{
    public WorkflowJobSubject Subject { get; } = subject;

    public override string Format(DashboardContext context, Job job)
    {
        var id = job.Args.OfType<Guid>().FirstOrDefault();
        var dbFactory = context.GetHttpContext().RequestServices.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        // The dashboard's pages are synchronous (Hangfire calls Format while it writes the page), so is this one read.
        using var db = dbFactory.CreateDbContext();
        var name = Subject == WorkflowJobSubject.Execution
            ? db.Executions.AsNoTracking().Where(e => e.Id == id).Select(e => e.WorkflowName).SingleOrDefault()
            : db.Workflows.AsNoTracking().Where(w => w.Id == id).Select(w => w.Name).SingleOrDefault();
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, DisplayName, name ?? $"{id} (no longer stored)");
    }
}
