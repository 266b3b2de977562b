using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

public sealed class RecordAndNotificationStepTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static JsonObject Notify(string title, string type, string priority) => Step("tell", "notification.send", new JsonObject
    {
        ["title"] = title,
        ["message"] = "Order ${trigger.body.id} arrived",
        ["type"] = type,
        ["priority"] = priority,
    });

    [Fact]
    public async Task Record_create_stores_a_JSON_record_in_its_named_collection()
    {
        var execution = await _desk.RunAsync(Workflow(Step("save", "record.create", new JsonObject
        {
            ["collection"] = "payments",
            ["data"] = new JsonObject { ["customer"] = "${trigger.body.customer}", ["amount"] = "${trigger.body.amount}" },
        })), new JsonObject { ["body"] = new JsonObject { ["customer"] = "c1", ["amount"] = 12.5 } });

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        await using var db = _desk.NewDb();
        var record = await db.Records.SingleAsync();
        Assert.Equal("payments", record.Collection);
        Assert.Equal("""{"customer":"c1","amount":12.5}""", record.DataJson);
        Assert.Equal(execution.Id, record.ExecutionId);
        Assert.Equal(record.Id, StoredJson.Parse(execution.Steps[0].OutputJson)!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Record_create_refuses_data_that_is_not_an_object()
    {
        var execution = await _desk.RunAsync(Workflow(Step("save", "record.create", new JsonObject
        {
            ["collection"] = "payments",
            ["data"] = "${trigger.body.amount}",
        })), new JsonObject { ["body"] = new JsonObject { ["amount"] = 3 } });

        Assert.Equal(StepStatus.Failed, execution.Steps[0].Status);
        Assert.Contains("config.data", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        await using var db = _desk.NewDb();
        Assert.Equal(0, await db.Records.CountAsync());
    }

    [Fact]
    public async Task Notification_send_creates_a_notification_with_its_type_and_priority()
    {
        var execution = await _desk.RunAsync(Workflow(Notify("New order", "warning", "high")), new JsonObject { ["body"] = new JsonObject { ["id"] = 7 } });

        await using var db = _desk.NewDb();
        var notification = await db.Notifications.SingleAsync();
        Assert.Equal("New order", notification.Title);
        Assert.Equal("Order 7 arrived", notification.Message);
        Assert.Equal(NotificationType.Warning, notification.Type);
        Assert.Equal(NotificationPriority.High, notification.Priority);
        Assert.Equal(execution.Id, notification.ExecutionId);
        Assert.Equal(execution.WorkflowId, notification.WorkflowId);
        Assert.Equal(notification.Id, Assert.Single(_desk.Events.Notifications).Id);
    }

    [Theory]
    [InlineData("loud", "high", "type")]
    [InlineData("info", "whenever", "priority")]
    public async Task Notification_send_refuses_an_unknown_type_or_priority(string type, string priority, string field)
    {
        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => _desk.SaveAsync(Workflow(Notify("New order", type, priority))));

        Assert.Contains($"steps[0].config.{field}", error.Errors.Keys);
    }

    [Fact]
    public async Task Notification_send_refuses_an_empty_title_when_the_run_reaches_it()
    {
        var execution = await _desk.RunAsync(Workflow(Notify("${trigger.body.title}", "info", "low")),
            new JsonObject { ["body"] = new JsonObject { ["title"] = "", ["id"] = 1 } });

        Assert.Equal(StepStatus.Failed, execution.Steps[0].Status);
        Assert.Contains("config.title", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }
}
