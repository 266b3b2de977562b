using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using ExecutionRow = AutomationDesk.Core.Execution.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Tests.Core.Connections;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Preflight;

/// <summary>A dry run: side-effect steps do not act and answer what they would have sent; nothing else starts.</summary>
public sealed class DryRunTests : IAsyncLifetime
{
    private static readonly Actor Tester = Actor.User("tester@desk.test");
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private async Task<ExecutionRow> RunAsync(Guid workflowId, JsonObject input, bool dryRun)
    {
        var started = await _desk.Get<ExecutionLauncher>().StartAsync(workflowId, new RunRequest("manual", input, DryRun: dryRun), Tester, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        return await _desk.ExecutionAsync(started.Id);
    }

    private async Task<List<ExecutionRow>> RunsOfAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        return await db.Executions.AsNoTracking().Where(e => e.WorkflowId == workflowId).ToListAsync();
    }

    [Fact]
    public async Task A_dry_run_of_an_email_step_sends_nothing_and_answers_what_it_would_have_sent()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var config = MailConnections.Server(server.Port);
        config["from"] = "reports@desk.test";
        await _desk.CreateAsync("mail", "smtp", config);
        var id = await _desk.SaveAsync(Workflow(Step("mail", "email.send", new JsonObject
        {
            ["connection"] = "mail", ["to"] = "boss@desk.test", ["subject"] = "Report for ${trigger.day}", ["body"] = "All good.",
        })));

        var dry = await RunAsync(id, new JsonObject { ["day"] = "Monday" }, dryRun: true);

        Assert.Equal(ExecutionStatus.Succeeded, dry.Status);
        Assert.True(dry.DryRun);
        Assert.Empty(server.Attempts);
        var output = JsonNode.Parse(dry.Steps[0].OutputJson!)!;
        Assert.True(output["dryRun"]!.GetValue<bool>());
        Assert.Equal("Report for Monday", output["wouldSend"]!["subject"]!.GetValue<string>());
        Assert.Equal("boss@desk.test", output["wouldSend"]!["to"]!.GetValue<string>());

        var real = await RunAsync(id, new JsonObject { ["day"] = "Tuesday" }, dryRun: false);
        Assert.Equal(ExecutionStatus.Succeeded, real.Status);
        Assert.Single(server.Accepted);
    }

    [Fact]
    public async Task A_dry_run_reads_with_GET_for_real_but_never_POSTs_and_masks_secrets_in_what_it_would_send()
    {
        var gets = 0;
        var posts = 0;
        await using var api = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/items", () => { Interlocked.Increment(ref gets); return Results.Json(new { count = 3 }); });
            app.MapPost("/items", () => { Interlocked.Increment(ref posts); return Results.Ok(); });
        });
        await _desk.Get<SecretStore>().SetAsync("token", "tok-very-secret-77", Tester, CancellationToken.None);
        var id = await _desk.SaveAsync(Workflow(
            Http("read", api.Url("/items")),
            Http("write", api.Url("/items"), "POST")
                .With("headers", new JsonObject { ["Authorization"] = "Bearer ${secrets.token}" })
                .With("body", new JsonObject { ["count"] = "${steps.read.output.body.count}" })));

        var dry = await RunAsync(id, [], dryRun: true);

        Assert.True(dry.Status == ExecutionStatus.Succeeded, dry.ErrorHuman);
        Assert.Equal((1, 0), (gets, posts));
        Assert.Equal(3, JsonNode.Parse(dry.Steps[0].OutputJson!)!["body"]!["count"]!.GetValue<int>());
        var wouldSend = JsonNode.Parse(dry.Steps[1].OutputJson!)!["wouldSend"]!;
        Assert.Equal("POST", wouldSend["method"]!.GetValue<string>());
        Assert.Equal(3, wouldSend["body"]!["count"]!.GetValue<int>());
        Assert.Equal("Bearer ***", wouldSend["headers"]!["Authorization"]!.GetValue<string>());
        Assert.DoesNotContain("tok-very-secret-77", dry.Steps[1].OutputJson);
    }

    [Fact]
    public async Task A_dry_run_starts_no_event_triggered_workflow()
    {
        var source = await _desk.SaveAsync(Workflow("Source", Transform("make", "x")));
        var listener = Workflow("Listener", Transform("read", "${trigger.status}"));
        listener["trigger"] = new JsonObject { ["type"] = "event", ["event"] = new JsonObject { ["workflowId"] = source, ["on"] = new JsonArray("succeeded") } };
        var listenerId = await _desk.SaveAsync(listener);

        await RunAsync(source, [], dryRun: true);
        Assert.Empty(await RunsOfAsync(listenerId));

        await RunAsync(source, [], dryRun: false);
        Assert.Single(await RunsOfAsync(listenerId));
    }

    [Fact]
    public async Task A_failed_dry_run_starts_no_error_workflow_and_raises_no_notification()
    {
        var pager = await _desk.SaveAsync(Workflow("Pager", Transform("page", "${trigger.error}")));
        var failing = await _desk.SaveAsync(Workflow("Failing", Transform("read", "${trigger.needed}"))
            .WithSettings(new JsonObject { ["onFailure"] = new JsonObject { ["workflowId"] = pager }, ["notifyOn"] = new JsonArray("failed") }));

        var dry = await RunAsync(failing, [], dryRun: true);

        Assert.Equal(ExecutionStatus.Failed, dry.Status);
        Assert.Empty(await RunsOfAsync(pager));
        await using (var db = _desk.NewDb())
        {
            Assert.Empty(await db.Notifications.ToListAsync());
        }

        await RunAsync(failing, [], dryRun: false);
        Assert.Single(await RunsOfAsync(pager));
        await using (var db = _desk.NewDb())
        {
            Assert.NotEmpty(await db.Notifications.ToListAsync());
        }
    }

    [Fact]
    public async Task A_dry_run_that_succeeds_notifies_no_one_and_its_notification_step_does_not_act()
    {
        var id = await _desk.SaveAsync(Workflow("Announcer", Step("tell", "notification.send", new JsonObject { ["title"] = "Hello ${trigger.who}" }))
            .WithSettings(new JsonObject { ["notifyOn"] = new JsonArray("started", "succeeded") }));

        var dry = await RunAsync(id, new JsonObject { ["who"] = "Ada" }, dryRun: true);

        Assert.Equal(ExecutionStatus.Succeeded, dry.Status);
        Assert.Equal("Hello Ada", JsonNode.Parse(dry.Steps[0].OutputJson!)!["wouldSend"]!["title"]!.GetValue<string>());
        await using var db = _desk.NewDb();
        Assert.Empty(await db.Notifications.ToListAsync());
    }

    [Fact]
    public async Task A_dry_run_asks_no_approver_and_goes_on_as_if_approved()
    {
        var id = await _desk.SaveAsync(Workflow("Approved",
            Step("ask", "approval", new JsonObject { ["message"] = "Refund ${trigger.amount}?" }),
            Step("after", "transform", new JsonObject { ["value"] = "${steps.ask.output.decision}" })));

        var dry = await RunAsync(id, new JsonObject { ["amount"] = 12 }, dryRun: true);

        Assert.Equal(ExecutionStatus.Succeeded, dry.Status);
        var ask = JsonNode.Parse(dry.Steps.Single(s => s.StepId == "ask").OutputJson!)!;
        Assert.Equal("Refund 12?", ask["wouldSend"]!["message"]!.GetValue<string>());
        Assert.Equal("approved", JsonNode.Parse(dry.Steps.Single(s => s.StepId == "after").OutputJson!)!.GetValue<string>());
        await using var db = _desk.NewDb();
        Assert.Empty(await db.Notifications.ToListAsync());
    }
}
