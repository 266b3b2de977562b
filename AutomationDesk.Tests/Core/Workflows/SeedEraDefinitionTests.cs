using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Workflows;

public sealed class SeedEraDefinitionTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private static JsonObject Seed(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Rewritten(string json) => SeedEraDefinition.Rewrite(Seed(json)).Definition;

    private static IReadOnlyDictionary<string, string[]> Refusal(string json) =>
        Assert.Throws<WorkflowValidationException>(() => SeedEraDefinition.Rewrite(Seed(json))).Errors;

    [Theory]
    [InlineData("""{ "name": "a", "actions": [] }""", true)]
    [InlineData("""{ "name": "a", "trigger_type": "manual" }""", true)]
    [InlineData("""{ "name": "a", "trigger_config": { "type": "cron", "expression": "* * * * *" } }""", true)]
    [InlineData("""{ "schemaVersion": 1, "name": "a", "trigger": { "type": "manual" }, "steps": [] }""", false)]
    public void A_seed_era_definition_is_known_by_its_old_fields(string json, bool seedEra) =>
        Assert.Equal(seedEra, SeedEraDefinition.IsSeedEra(Seed(json)));

    [Fact]
    public void A_cron_trigger_becomes_a_schedule_with_its_expression_and_time_zone()
    {
        var definition = Rewritten("""
            { "name": "Daily", "trigger_type": "schedule",
              "trigger_config": { "type": "cron", "expression": "0 9 * * 1-5", "timezone": "Europe/Berlin" }, "actions": [] }
            """);

        Assert.Equal(1, (int)definition["schemaVersion"]!);
        Assert.Equal("schedule", (string)definition["trigger"]!["type"]!);
        Assert.Equal("0 9 * * 1-5", (string)definition["trigger"]!["schedule"]!["cron"]!);
        Assert.Equal("Europe/Berlin", (string)definition["trigger"]!["schedule"]!["timezone"]!);
    }

    [Theory]
    [InlineData("""{ "type": "interval", "minutes": 30 }""", "00:30:00")]
    [InlineData("""{ "type": "interval", "hours": 2 }""", "02:00:00")]
    [InlineData("""{ "type": "interval", "days": 1 }""", "1.00:00:00")]
    [InlineData("""{ "type": "interval", "weeks": 1 }""", "7.00:00:00")]
    [InlineData("""{ "type": "interval", "hours": 1, "minutes": 30 }""", "01:30:00")]
    public void An_interval_trigger_becomes_a_schedule_every(string config, string every)
    {
        var definition = Rewritten($$"""{ "name": "Often", "trigger_type": "schedule", "trigger_config": {{config}}, "actions": [] }""");

        Assert.Equal(every, (string)definition["trigger"]!["schedule"]!["every"]!);
        Assert.Null(definition["trigger"]!["schedule"]!["cron"]);
    }

    [Fact]
    public void A_trigger_type_of_cron_needs_no_type_in_its_config()
    {
        var definition = Rewritten("""{ "name": "c", "trigger_type": "cron", "trigger_config": { "expression": "*/5 * * * *" }, "actions": [] }""");

        Assert.Equal("*/5 * * * *", (string)definition["trigger"]!["schedule"]!["cron"]!);
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("manual")]
    public void Webhook_and_manual_triggers_keep_their_type(string type) =>
        Assert.Equal(type, (string)Rewritten($$"""{ "name": "w", "trigger_type": "{{type}}", "actions": [] }""")["trigger"]!["type"]!);

    [Theory]
    [InlineData("send_email", "email.send")]
    [InlineData("call_webhook", "http.request")]
    [InlineData("create_record", "record.create")]
    [InlineData("send_notification", "notification.send")]
    [InlineData("run_ai_agent", "ai.prompt")]
    public void Each_seed_era_action_becomes_the_step_type_the_format_names(string action, string stepType)
    {
        var step = Rewritten($$"""{ "name": "a", "actions": [ { "type": "{{action}}", "config": {} } ] }""")["steps"]![0]!;

        Assert.Equal(stepType, (string)step["type"]!);
        Assert.Equal($"{action}_0", (string)step["id"]!);
    }

    [Fact]
    public void Step_ids_come_from_the_action_index_and_type_so_the_same_file_gives_the_same_ids()
    {
        const string json = """
            { "name": "a", "actions": [ { "type": "create_record", "config": {} }, { "type": "send_notification", "config": {} }, { "type": "create_record", "config": {} } ] }
            """;

        var first = Rewritten(json)["steps"]!.AsArray().Select(s => (string)s!["id"]!).ToList();
        var second = Rewritten(json)["steps"]!.AsArray().Select(s => (string)s!["id"]!).ToList();

        Assert.Equal(["create_record_0", "send_notification_1", "create_record_2"], first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Webhook_templates_read_the_trigger()
    {
        var config = Rewritten("""
            { "name": "a", "trigger_type": "webhook",
              "actions": [ { "type": "create_record", "config": { "collection": "c", "data": { "who": "${webhook.body.customer.id}", "line": "Paid ${webhook.body.amount ?? 0} by ${webhook.headers.x-user}" } } } ] }
            """)["steps"]![0]!["config"]!;

        Assert.Equal("${trigger.body.customer.id}", (string)config["data"]!["who"]!);
        Assert.Equal("Paid ${trigger.body.amount ?? 0} by ${trigger.headers.x-user}", (string)config["data"]!["line"]!);
    }

    [Fact]
    public void An_action_result_template_names_the_output_of_that_actions_step()
    {
        var steps = Rewritten("""
            { "name": "a", "actions": [
                { "type": "call_webhook", "config": { "url": "https://example.test/a" } },
                { "type": "send_notification", "config": { "title": "Got ${action_0_result.body.id}", "message": "${action_0_result}" } } ] }
            """)["steps"]!;

        Assert.Equal("Got ${steps.call_webhook_0.output.body.id}", (string)steps[1]!["config"]!["title"]!);
        Assert.Equal("${steps.call_webhook_0.output}", (string)steps[1]!["config"]!["message"]!);
    }

    [Fact]
    public void An_action_result_of_a_later_action_is_refused_at_the_field_that_names_it()
    {
        var errors = Refusal("""
            { "name": "a", "actions": [
                { "type": "send_notification", "config": { "title": "${action_1_result.id}" } },
                { "type": "create_record", "config": { "collection": "c", "data": {} } } ] }
            """);

        Assert.Contains("action 1", Assert.Single(errors["actions[0].config.title"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_era_config_names_become_the_step_types_names()
    {
        var steps = Rewritten("""
            { "name": "a", "actions": [
                { "type": "call_webhook", "config": { "url": "https://example.test", "payload": { "a": 1 }, "timeout": 15, "content_type": "application/json" } },
                { "type": "create_record", "config": { "collection_name": "orders", "record": { "n": 1 } } },
                { "type": "send_notification", "config": { "title": "t", "body": "b", "level": "warning" } },
                { "type": "run_ai_agent", "config": { "prompt": "p", "system_prompt": "s", "max_tokens": 50 } } ] }
            """)["steps"]!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "url": "https://example.test", "body": { "a": 1 }, "timeout": "00:00:15", "contentType": "application/json", "method": "POST" }"""), steps[0]!["config"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "collection": "orders", "data": { "n": 1 } }"""), steps[1]!["config"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "title": "t", "message": "b", "type": "warning" }"""), steps[2]!["config"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "prompt": "p", "system": "s", "maxTokens": 50 }"""), steps[3]!["config"]));
    }

    [Fact]
    public void An_action_the_desk_cannot_map_is_refused_at_its_type()
    {
        var errors = Refusal("""
            { "name": "a", "actions": [ { "type": "create_record", "config": {} }, { "type": "send_email", "config": {} }, { "type": "post_to_slack", "config": {} } ] }
            """);

        Assert.Equal(["actions[2].type"], errors.Keys);
        Assert.Contains("post_to_slack", errors["actions[2].type"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": "a", "trigger_type": "on_email", "actions": [] }""", "trigger_type")]
    [InlineData("""{ "name": "a", "trigger_type": "schedule", "trigger_config": { "type": "interval", "fortnights": 1 }, "actions": [] }""", "trigger_config.fortnights")]
    [InlineData("""{ "name": "a", "trigger_type": "schedule", "trigger_config": { "type": "interval", "minutes": -5 }, "actions": [] }""", "trigger_config.minutes")]
    [InlineData("""{ "name": "a", "trigger_type": "schedule", "trigger_config": { "type": "cron" }, "actions": [] }""", "trigger_config.expression")]
    [InlineData("""{ "name": "a", "trigger_type": "schedule", "trigger_config": { "type": "sunrise" }, "actions": [] }""", "trigger_config.type")]
    [InlineData("""{ "name": "a", "owner_mood": "happy", "actions": [] }""", "owner_mood")]
    [InlineData("""{ "name": "a", "actions": [ { "type": "create_record", "config": {}, "delay_before": 5 } ] }""", "actions[0].delay_before")]
    [InlineData("""{ "name": "a", "actions": [ "create_record" ] }""", "actions[0]")]
    [InlineData("""{ "name": "a", "actions": { "type": "create_record" } }""", "actions")]
    public void What_has_no_place_in_the_format_is_refused_by_its_seed_era_field(string json, string field) =>
        Assert.Contains(field, Refusal(json).Keys);

    [Fact]
    public void Old_desk_bookkeeping_is_dropped_and_is_active_becomes_enabled()
    {
        var definition = Rewritten("""
            { "id": 12, "name": "a", "is_active": false, "created_at": "2024-01-01", "run_count": 7, "actions": [] }
            """);

        Assert.False((bool)definition["enabled"]!);
        Assert.Null(definition["id"]);
        Assert.Null(definition["created_at"]);
    }

    [Fact]
    public void Validation_problems_of_a_rewritten_step_are_named_as_the_seed_era_action()
    {
        var seed = Seed("""{ "name": "a", "actions": [ { "type": "create_record", "config": {} } ] }""");

        Assert.Equal("actions[0].config.collection", SeedEraDefinition.SeedPath("steps[0].config.collection", seed));
        Assert.Equal("trigger_config.expression", SeedEraDefinition.SeedPath("trigger.schedule.cron", seed));
        Assert.Equal("name", SeedEraDefinition.SeedPath("name", seed));
    }

    [Fact]
    public void A_send_email_action_keeps_the_type_the_format_names_and_validation_reports_it_when_the_desk_has_no_such_step()
    {
        var definition = Rewritten("""{ "name": "Mail", "actions": [ { "type": "send_email", "config": { "to": "a@b.test", "subject": "s", "body": "b" } } ] }""");
        var reader = fixture.Desk.Get<WorkflowDefinitionReader>();
        var known = fixture.Desk.Get<AutomationDesk.Core.Steps.StepRegistry>().Find("email.send") is not null;

        var errors = known ? null : Assert.Throws<WorkflowValidationException>(() => reader.Read(definition)).Errors;

        Assert.Equal("email.send", (string)definition["steps"]![0]!["type"]!);
        Assert.True(known || errors!.ContainsKey("steps[0].type"));
    }

    /// <summary>A whole seed-era workflow as the first desk exported it: a webhook stores a payment, then notifies.</summary>
    public const string FullSeedEraWorkflow = """
        {
          "id": 41,
          "name": "Store payments (seed era)",
          "description": "Stores each payment, then tells the team",
          "tags": ["billing"],
          "is_active": true,
          "trigger_type": "webhook",
          "trigger_config": {},
          "actions": [
            { "type": "create_record", "name": "Save payment",
              "config": { "collection": "seed_payments", "data": { "customer": "${webhook.body.customer}", "amount": "${webhook.body.amount}" } } },
            { "type": "send_notification", "name": "Tell the team", "continue_on_error": true,
              "config": { "title": "Payment from ${webhook.body.customer}", "message": "Stored as ${action_0_result.id}", "level": "success" } }
          ],
          "created_at": "2024-05-01T10:00:00Z",
          "run_count": 118
        }
        """;

    [Fact]
    public async Task A_full_seed_era_workflow_rewrites_to_a_valid_definition_that_runs()
    {
        var definition = Rewritten(FullSeedEraWorkflow);
        fixture.Desk.Get<WorkflowDefinitionReader>().Read(definition);
        definition["trigger"] = new JsonObject { ["type"] = "manual" }; // Run here by hand, with the body a webhook would bring.

        var execution = await fixture.Desk.RunAsync(definition, new JsonObject { ["body"] = new JsonObject { ["customer"] = "c-7", ["amount"] = 12.5 } });

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(["create_record_0", "send_notification_1"], definition["steps"]!.AsArray().Select(s => (string)s!["id"]!));
        Assert.Equal("continue", (string)definition["steps"]![1]!["onError"]!);
        await using var db = fixture.Desk.NewDb();
        var record = db.Records.Single(r => r.ExecutionId == execution.Id);
        Assert.Equal("seed_payments", record.Collection);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "customer": "c-7", "amount": 12.5 }"""), JsonNode.Parse(record.DataJson)));
        var notification = db.Notifications.Single(n => n.ExecutionId == execution.Id);
        Assert.Equal("Payment from c-7", notification.Title);
        Assert.Equal($"Stored as {record.Id}", notification.Message);
    }
}
