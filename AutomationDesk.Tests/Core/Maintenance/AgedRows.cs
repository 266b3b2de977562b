using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Maintenance;

/// <summary>Rows written straight into a desk's database at chosen ages, as if they had been there that long.</summary>
internal sealed class AgedRows(CoreDesk desk)
{
    private DateTimeOffset Now => desk.Time.GetUtcNow();

    /// <summary>A workflow row; <paramref name="retentionDays"/> goes into its definition's <c>settings.retentionDays</c>.</summary>
    public async Task<Guid> WorkflowAsync(int? retentionDays = null)
    {
        var id = Guid.CreateVersion7();
        var settings = new JsonObject();
        if (retentionDays is { } days)
        {
            settings["retentionDays"] = days;
        }
        var definition = new JsonObject { ["schemaVersion"] = 1, ["name"] = $"aged {id:N}", ["trigger"] = new JsonObject { ["type"] = "manual" }, ["steps"] = new JsonArray(), ["settings"] = settings };
        await using var db = desk.NewDb();
        db.Workflows.Add(new Workflow { Id = id, Name = $"aged {id:N}", Version = 1, DefinitionJson = definition.ToJsonString(), CreatedAt = Now, UpdatedAt = Now });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>
    /// A run created <paramref name="daysAgo"/> days ago, ended a minute later when its status is final, with two steps,
    /// a key, three log rows and two events.
    /// </summary>
    public async Task<Guid> RunAsync(Guid workflowId, double daysAgo, ExecutionStatus status = ExecutionStatus.Succeeded, Action<global::AutomationDesk.Core.Execution.Execution>? shape = null, int outputBytes = 10)
    {
        var created = Now - TimeSpan.FromDays(daysAgo);
        var id = Guid.CreateVersion7(created);
        var run = new global::AutomationDesk.Core.Execution.Execution
        {
            Id = id, WorkflowId = workflowId, WorkflowName = "aged", WorkflowVersion = 1, Status = status, CreatedAt = created, StartedAt = created,
            FinishedAt = status.IsFinal() ? created.AddMinutes(1) : null, CorrelationId = id.ToString("N"), OutputJson = $"\"{new string('x', outputBytes)}\"",
            Steps =
            [
                new StepRun { Id = Guid.CreateVersion7(), ExecutionId = id, StepId = "a", Type = "transform", Name = "a", Position = 0, Status = StepStatus.Succeeded },
                new StepRun { Id = Guid.CreateVersion7(), ExecutionId = id, StepId = "b", Type = "transform", Name = "b", Position = 1, Status = StepStatus.Succeeded },
            ],
            Keys = [new ExecutionKey { ExecutionId = id, Name = "customer", Value = "c1" }],
        };
        shape?.Invoke(run);
        await using var db = desk.NewDb();
        db.Executions.Add(run);
        for (var i = 0; i < 3; i++)
        {
            db.ExecutionLogs.Add(new ExecutionLog { ExecutionId = id, Time = created, Level = LogLevelName.Information, Domain = LogDomain.Step, Message = $"log {i} of {id}" });
        }
        for (var i = 1; i <= 2; i++)
        {
            db.ExecutionEvents.Add(new ExecutionEvent { ExecutionId = id, Sequence = i, Kind = ExecutionEventKinds.Execution, EventType = "execution.running", Time = created, Status = status });
        }
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<Guid> WebhookEventAsync(Guid workflowId, double daysAgo)
    {
        var id = Guid.CreateVersion7();
        await using var db = desk.NewDb();
        db.WebhookEvents.Add(new WebhookEvent { Id = id, ReceivedAt = Now - TimeSpan.FromDays(daysAgo), WorkflowId = workflowId, StatusCode = 202, Body = "{}" });
        db.WebhookReceipts.Add(new WebhookReceipt { WorkflowId = workflowId, Key = id.ToString("N"), BodyHash = "00", ReceivedAt = Now - TimeSpan.FromDays(daysAgo) });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task<Guid> NotificationAsync(double daysAgo, Guid? executionId = null)
    {
        var id = Guid.CreateVersion7();
        await using var db = desk.NewDb();
        db.Notifications.Add(new Notification
        {
            Id = id, Title = "aged", Message = "aged", CreatedAt = Now - TimeSpan.FromDays(daysAgo), ExecutionId = executionId,
            Reads = [new NotificationRead { NotificationId = id, UserId = "reader", ReadAt = Now - TimeSpan.FromDays(daysAgo) }],
        });
        await db.SaveChangesAsync();
        return id;
    }
}
