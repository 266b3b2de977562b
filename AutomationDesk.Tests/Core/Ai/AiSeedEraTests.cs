using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Core.Ai.AiTestDesk;

namespace AutomationDesk.Tests.Core.Ai;

/// <summary>Seed-era files with <c>run_ai_agent</c> and <c>send_email</c> import as <c>ai.prompt</c> and <c>email.send</c>.</summary>
public sealed class AiSeedEraTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private FakeOpenAiServer _ai = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _ai = await FakeOpenAiServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _ai.DisposeAsync();
        await _desk.DisposeAsync();
    }

    [Fact]
    public async Task Ai_seed_era_run_ai_agent_imports_and_runs_on_the_default_connection()
    {
        await CreateOpenAiAsync(_desk, "house-ai", _ai);
        await _desk.Get<DeskSettings>().SetAsync(DeskSettings.AiDefaultConnection, JsonValue.Create("house-ai"), Actor.System, CancellationToken.None);
        _ai.Reply("""{ "mood": "happy" }""");
        const string seed = """
            { "name": "Classify feedback (seed era)", "trigger_type": "webhook", "trigger_config": {},
              "actions": [
                { "type": "run_ai_agent", "name": "Classify",
                  "config": { "input": "Classify: ${webhook.body.text}", "system_prompt": "You classify feedback.", "model": "gpt-4o",
                              "temperature": 0, "max_tokens": 50, "output_format": "json_object", "timeout": 30 } },
                { "type": "create_record", "config": { "collection": "feedback", "data": { "mood": "${action_0_result.json.mood}" } } } ] }
            """;

        var report = await _desk.Get<WorkflowImporter>().ImportAsync(seed, ImportStrategy.Merge, dryRun: false, Actor.System, CancellationToken.None);
        Assert.True(report.Valid, string.Join("; ", report.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        var executionId = await _desk.StartAsync(report.Workflows[0].Id!.Value, new JsonObject { ["body"] = new JsonObject { ["text"] = "Love it" } });
        await _desk.RunDueWorkAsync();

        var execution = await _desk.ExecutionAsync(executionId);
        Assert.True(execution.Status == ExecutionStatus.Succeeded, execution.Steps.FirstOrDefault(s => s.ErrorHuman is not null)?.ErrorHuman);
        Assert.Equal("ai.prompt", execution.Steps[0].Type);
        var (body, _) = Assert.Single(_ai.Requests);
        Assert.Equal("gpt-4o", (string)body["model"]!);
        Assert.Equal("Classify: Love it", (string)body["messages"]![1]!["content"]!);
        Assert.Equal(50, (int)body["max_tokens"]!);
        Assert.Equal("json_object", (string)body["response_format"]!["type"]!);
        Assert.Equal("happy", (string)JsonNode.Parse(execution.Steps[1].OutputJson!)!["data"]!["mood"]!);
    }

    [Fact]
    public void Ai_seed_era_run_ai_agent_config_maps_to_the_ai_prompt_fields()
    {
        var step = SeedEraDefinition.Rewrite((JsonObject)JsonNode.Parse("""
            { "name": "a", "actions": [ { "type": "run_ai_agent", "config": {
                "instructions": "Be kind.", "input": "Hi ${webhook.body.name}", "max_tokens": 10, "output_format": "json_schema",
                "output_schema": { "type": "object" }, "timeout": 45, "connection": "ai" } } ] }
            """)!).Definition["steps"]![0]!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "system": "Be kind.", "prompt": "Hi ${trigger.body.name}", "maxTokens": 10, "responseFormat": "json",
              "schema": { "type": "object" }, "timeout": "00:00:45", "connection": "ai" }
            """), step["config"]), step["config"]!.ToJsonString());
    }

    [Fact]
    public void Ai_seed_era_send_email_config_maps_to_the_email_send_fields()
    {
        var step = SeedEraDefinition.Rewrite((JsonObject)JsonNode.Parse("""
            { "name": "a", "trigger_type": "webhook", "actions": [
                { "type": "run_ai_agent", "config": { "prompt": "Summarise ${webhook.body.orders}" } },
                { "type": "send_email", "config": {
                    "recipients": ["boss@example.test"], "cc": ["team@example.test"], "bcc": "audit@example.test", "reply_to": "desk@example.test",
                    "subject": "Orders", "text": "${action_0_result.text}", "html_body": "<p>${action_0_result.text}</p>" } } ] }
            """)!).Definition["steps"]![1]!;

        Assert.Equal("email.send", (string)step["type"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "to": ["boss@example.test"], "cc": ["team@example.test"], "bcc": "audit@example.test", "replyTo": "desk@example.test",
              "subject": "Orders", "body": "${steps.run_ai_agent_0.output.text}", "html": "<p>${steps.run_ai_agent_0.output.text}</p>" }
            """), step["config"]), step["config"]!.ToJsonString());
    }

    [Fact]
    public async Task Ai_seed_era_run_ai_agent_then_send_email_imports_and_mails_the_answer_through_the_default_connections()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await CreateOpenAiAsync(_desk, "house-ai", _ai);
        var mail = AutomationDesk.Tests.Core.Connections.MailConnections.Server(smtp.Port);
        mail["from"] = "desk@example.test";
        await AutomationDesk.Tests.Core.Connections.MailConnections.CreateAsync(_desk, "house-mail", "smtp", mail);
        var settings = _desk.Get<DeskSettings>();
        await settings.SetAsync(DeskSettings.AiDefaultConnection, JsonValue.Create("house-ai"), Actor.System, CancellationToken.None);
        await settings.SetAsync(DeskSettings.EmailDefaultConnection, JsonValue.Create("house-mail"), Actor.System, CancellationToken.None);
        _ai.Reply("Three orders, 120 EUR in total.");
        const string seed = """
            { "name": "Order summary (seed era)", "trigger_type": "webhook", "trigger_config": {},
              "actions": [
                { "type": "run_ai_agent", "config": { "input": "Summarise: ${webhook.body.orders}" } },
                { "type": "send_email", "config": { "recipient": "boss@example.test", "subject": "Orders", "text": "${action_0_result.text}" } } ] }
            """;

        var report = await _desk.Get<WorkflowImporter>().ImportAsync(seed, ImportStrategy.Merge, dryRun: false, Actor.System, CancellationToken.None);
        Assert.True(report.Valid, string.Join("; ", report.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        var executionId = await _desk.StartAsync(report.Workflows[0].Id!.Value, new JsonObject { ["body"] = new JsonObject { ["orders"] = "[1, 2, 3]" } });
        await _desk.RunDueWorkAsync();

        var execution = await _desk.ExecutionAsync(executionId);
        Assert.True(execution.Status == ExecutionStatus.Succeeded, execution.Steps.FirstOrDefault(s => s.ErrorHuman is not null)?.ErrorHuman);
        Assert.Equal(["ai.prompt", "email.send"], execution.Steps.OrderBy(s => s.Position).Select(s => s.Type));
        var sent = Assert.Single(smtp.Accepted);
        Assert.Equal(["boss@example.test"], sent.Recipients);
        Assert.Equal("Orders", sent.Message.Subject);
        Assert.Equal("Three orders, 120 EUR in total.", sent.Message.TextBody?.Trim());
    }
}
