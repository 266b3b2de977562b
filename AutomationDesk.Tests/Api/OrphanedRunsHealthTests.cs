using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class OrphanedRunsHealthTests(DeskApp desk)
{
    [Fact]
    public async Task Readiness_reports_a_run_that_is_running_with_no_live_owner()
    {
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Webhooks.Echo()))["id"]);
        var orphan = new Execution
        {
            Id = Guid.CreateVersion7(),
            WorkflowId = workflowId,
            WorkflowVersion = 1,
            WorkflowName = "Orphan",
            Status = ExecutionStatus.Running,
            CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
            CorrelationId = "orphan",
            LeaseOwner = "a-node-that-died",
            LeaseExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-5),
        };
        var dbFactory = desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            db.Executions.Add(orphan);
            await db.SaveChangesAsync();
        }
        try
        {
            // Descriptions and details are for signed-in callers; an anonymous one sees the status only.
            using var ready = await desk.Viewer.GetAsync("/health/ready");

            var runs = (await ready.JsonAsync(HttpStatusCode.OK))["checks"]!["runs"]!;
            Assert.Equal("Degraded", (string)runs["status"]!);
            Assert.Contains("no live owner", (string)runs["description"]!, StringComparison.Ordinal);
            Assert.Contains(orphan.Id.ToString(), runs["data"]!.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Executions.Where(e => e.Id == orphan.Id).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task Readiness_says_runs_are_healthy_when_every_running_run_has_a_live_lease()
    {
        using var client = desk.Anonymous();
        using var ready = await client.GetAsync("/health/ready");

        var runs = (await ready.JsonAsync(HttpStatusCode.OK))["checks"]!["runs"]!;
        Assert.Equal("Healthy", (string)runs["status"]!);
    }
}
