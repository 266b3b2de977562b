using System.Diagnostics;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Bench;

internal sealed record KeyQuery(int StoredRuns, int Customers, double MedianMs, double MaxMs, int Found, double UnfilteredMs);

/// <summary>
/// <c>GET /api/v1/executions?key.customer=cN</c> over many stored runs: the same LINQ the endpoint runs
/// (key filter, newest first, first page of 50 and the total), against the desk's own schema and indexes.
/// </summary>
internal static class KeyQueryFigure
{
    public static async Task<KeyQuery> MeasureAsync(BenchDesk desk, int storedRuns, int customers)
    {
        var dbFactory = desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        await SeedAsync(dbFactory, storedRuns, customers);
        await ListAsync(dbFactory, "c0");
        var timings = new List<double>();
        var found = 0;
        for (var i = 1; i <= 7; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var page = await ListAsync(dbFactory, $"c{i * 97 % customers}");
            timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            found = page.Total;
        }
        var unfiltered = Stopwatch.GetTimestamp();
        await ListAsync(dbFactory, null);
        var unfilteredMs = Stopwatch.GetElapsedTime(unfiltered).TotalMilliseconds;
        timings.Sort();
        return new KeyQuery(storedRuns, customers, timings[timings.Count / 2], timings[^1], found, unfilteredMs);
    }

    private static async Task<Paged<ExecutionSummary>> ListAsync(IDbContextFactory<DeskDbContext> dbFactory, string? customer)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var query = db.Executions.AsNoTracking();
        if (customer is not null)
        {
            const string keyName = "customer";
            query = query.Where(e => db.ExecutionKeys.Any(k => k.ExecutionId == e.Id && k.Name == keyName && k.Value == customer));
        }
        return await query.OrderByDescending(e => e.CreatedAt)
            .Select(e => new ExecutionSummary(e.Id, e.WorkflowId, e.WorkflowName, e.WorkflowVersion, e.Status, e.Progress, e.CurrentStepId,
                e.TriggerKind, e.CreatedAt, e.StartedAt, e.FinishedAt, e.DurationMs, e.ErrorHuman, e.CorrelationId, e.ParentExecutionId,
            e.ParentStepId, e.ItemIndex, e.DryRun))
            .ToPageAsync(new PageQuery(1, 50), CancellationToken.None);
    }

    /// <summary>Finished runs with their key, written in large batches (how they got there is not what is measured).</summary>
    private static async Task SeedAsync(IDbContextFactory<DeskDbContext> dbFactory, int storedRuns, int customers)
    {
        var workflowId = Guid.CreateVersion7();
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        const int batch = 5000;
        for (var first = 0; first < storedRuns; first += batch)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = first; i < Math.Min(storedRuns, first + batch); i++)
            {
                var created = start.AddSeconds(i * 10);
                var id = Guid.CreateVersion7(created);
                db.Executions.Add(new Execution
                {
                    Id = id,
                    WorkflowId = workflowId,
                    WorkflowName = "bench: stored runs",
                    WorkflowVersion = 1,
                    Status = ExecutionStatus.Succeeded,
                    Progress = 100,
                    TriggerKind = "manual",
                    TriggerInputJson = $$$"""{"body":{"customer":"c{{{i % customers}}}","amount":75}}""",
                    CreatedAt = created,
                    StartedAt = created,
                    FinishedAt = created.AddMilliseconds(4),
                    DurationMs = 4,
                    OutputJson = """{"big":true}""",
                    CorrelationId = id.ToString("N"),
                    Keys = [new ExecutionKey { ExecutionId = id, Name = "customer", Value = $"c{i % customers}" }],
                });
            }
            await db.SaveChangesAsync();
        }
    }
}
