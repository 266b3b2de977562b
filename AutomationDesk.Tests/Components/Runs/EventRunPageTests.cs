using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class EventRunPageTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_run_started_by_an_event_links_the_run_whose_end_started_it()
    {
        var source = await SaveSucceedingWorkflowAsync("Upstream");
        var json = $$"""{ "schemaVersion": 1, "name": "Downstream", "trigger": { "type": "event", "event": { "workflowId": "{{source}}", "on": ["succeeded"] } }, "steps": [ { "id": "echo", "type": "transform", "config": { "value": "${trigger.output.hello}" } } ] }""";
        var listener = (await Services.GetRequiredService<WorkflowStore>().CreateAsync(json, Actor.System, CancellationToken.None))["id"]!.GetValue<Guid>();
        var upstream = await RunToEndAsync(source, "lin");
        await using var db = Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContext();
        var downstream = await db.Executions.AsNoTracking().SingleAsync(e => e.WorkflowId == listener);

        var cut = Render<RunPage>(p => p.Add(c => c.Id, downstream.Id));

        cut.WaitForAssertion(() => Assert.Equal("Succeeded", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);
        Assert.Equal("event", cut.Find("[data-testid=run-trigger]").TextContent);
        Assert.Equal($"executions/{upstream.Id}", cut.Find("[data-testid=parent-run]").GetAttribute("href"));
        Assert.Contains("Started when this run ended", cut.Find("[data-testid=run-header]").TextContent, StringComparison.Ordinal);
        Assert.Contains("\"lin\"", cut.Find("[data-testid=step][data-step-id=echo]").TextContent, StringComparison.Ordinal);
    }
}
