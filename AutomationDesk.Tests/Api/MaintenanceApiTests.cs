using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class MaintenanceApiTests(DeskApp app)
{
    private async Task<(Guid Run, Guid Young)> SeedOldRowsAsync()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        var run = Guid.CreateVersion7(old);
        var young = Guid.CreateVersion7();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        foreach (var (id, at) in new[] { (run, old), (young, DateTimeOffset.UtcNow) })
        {
            db.Executions.Add(new Execution
            {
                Id = id, WorkflowId = Guid.CreateVersion7(), WorkflowName = "maintenance", WorkflowVersion = 1, Status = ExecutionStatus.Succeeded,
                CreatedAt = at, FinishedAt = at, CorrelationId = id.ToString("N"),
            });
            db.ExecutionLogs.Add(new ExecutionLog { ExecutionId = id, Time = at, Message = "a log row" });
        }
        db.WebhookEvents.Add(new WebhookEvent { Id = Guid.CreateVersion7(), ReceivedAt = old, StatusCode = 202 });
        db.Notifications.Add(new Notification { Id = Guid.CreateVersion7(), Title = "old", CreatedAt = old });
        await db.SaveChangesAsync();
        return (run, young);
    }

    [Fact]
    public async Task Prune_removes_what_is_past_retention_and_answers_the_counts()
    {
        var (old, young) = await SeedOldRowsAsync();

        using var response = await app.Admin.PostAsync("/api/v1/maintenance/prune", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(body["executions"]!.GetValue<long>() >= 1);
        Assert.True(body["logs"]!.GetValue<long>() >= 1);
        Assert.True(body["webhookEvents"]!.GetValue<long>() >= 1);
        Assert.True(body["notifications"]!.GetValue<long>() >= 1);
        Assert.True(body.ContainsKey("archivedTo"));
        using var gone = await app.Admin.GetAsync($"/api/v1/executions/{old}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var kept = await app.Admin.GetAsync($"/api/v1/executions/{young}");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task Editors_and_viewers_may_not_prune_or_read_the_storage_view()
    {
        var (old, _) = await SeedOldRowsAsync();

        foreach (var client in new[] { app.Editor, app.Viewer })
        {
            using var prune = await client.PostAsync("/api/v1/maintenance/prune", null);
            Assert.Equal(HttpStatusCode.Forbidden, prune.StatusCode);
            using var storage = await client.GetAsync("/api/v1/monitor/storage");
            Assert.Equal(HttpStatusCode.Forbidden, storage.StatusCode);
        }
        using var still = await app.Admin.GetAsync($"/api/v1/executions/{old}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task The_storage_view_shows_sizes_rows_free_disk_and_the_last_prune()
    {
        await SeedOldRowsAsync();
        using (var prune = await app.Admin.PostAsync("/api/v1/maintenance/prune", null))
        {
            Assert.Equal(HttpStatusCode.OK, prune.StatusCode);
        }

        var storage = (await app.Admin.GetFromJsonAsync<JsonObject>("/api/v1/monitor/storage"))!;

        Assert.True(storage["databaseBytes"]!.GetValue<long>() > 0);
        Assert.True(storage["disk"]!["freeBytes"]!.GetValue<long>() > 0);
        var executions = storage["tables"]!.AsArray().Single(t => t!["table"]!.GetValue<string>() == "Executions");
        Assert.True(executions!["rows"]!.GetValue<long>() >= 1);
        Assert.True(storage["lastPrune"]!["executions"]!.GetValue<long>() >= 1);
        Assert.Contains("admin@api.test", storage["lastPrune"]!["startedBy"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
