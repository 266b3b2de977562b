using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Workflows;

/// <summary>What the reader refuses when a workflow is saved: durations out of bounds, text schema versions, control characters, bad collection names, far waits.</summary>
public sealed class SaveTimeLimitsTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private CoreDesk Desk => fixture.Desk;

    private IReadOnlyDictionary<string, string[]> Refusal(JsonObject definition) =>
        Assert.Throws<WorkflowValidationException>(() => Desk.Get<WorkflowDefinitionReader>().Read(definition.ToJsonString())).Errors;

    private void Reads(JsonObject definition) => Desk.Get<WorkflowDefinitionReader>().Read(definition.ToJsonString());

    private static JsonObject Record(string id, JsonNode collection) =>
        Step(id, "record.create", new JsonObject { ["collection"] = collection, ["data"] = new JsonObject { ["a"] = 1 } });

    private static JsonObject Set(JsonObject step, string name, JsonNode? value)
    {
        step[name] = value;
        return step;
    }

    [Fact]
    public void A_step_timeout_over_24_hours_is_refused_by_its_field()
    {
        var errors = Refusal(Workflow(Transform("a", 1), Transform("b", 2), Set(Transform("c", 3), "timeout", "1.00:00:01")));

        Assert.Equal("At most 24 hours.", Assert.Single(errors["steps[2].timeout"]));
    }

    [Fact]
    public void A_step_timeout_of_60_days_in_iso_form_is_refused()
    {
        Assert.Contains("steps[0].timeout", Refusal(Workflow(Set(Transform("a", 1), "timeout", "P60D"))).Keys);
    }

    [Fact]
    public void A_step_timeout_of_24_hours_reads()
    {
        Reads(Workflow(Set(Transform("a", 1), "timeout", "1.00:00:00")));
    }

    [Fact]
    public void A_run_timeout_over_30_days_is_refused()
    {
        var errors = Refusal(Workflow(Transform("a", 1)).WithSettings(new JsonObject { ["timeout"] = "31.00:00:00" }));

        Assert.Equal("At most 30 days.", Assert.Single(errors["settings.timeout"]));
    }

    [Theory]
    [InlineData("initialDelay", "2.00:00:00")]
    [InlineData("maxDelay", "2.00:00:00")]
    [InlineData("initialDelay", "00:00:00")]
    public void Retry_delays_are_bounded_and_positive(string field, string value)
    {
        var step = Set(Transform("a", 1), "retry", new JsonObject { ["maxAttempts"] = 3, [field] = value });

        Assert.Contains($"steps[0].retry.{field}", Refusal(Workflow(step)).Keys);
    }

    [Fact]
    public void A_duration_too_large_to_count_is_refused_not_thrown()
    {
        Assert.Contains("steps[0].timeout", Refusal(Workflow(Set(Transform("a", 1), "timeout", "P99999999Y"))).Keys);
    }

    [Fact]
    public void A_delay_over_366_days_is_refused_at_save()
    {
        Assert.Contains("steps[0].config.duration", Refusal(Workflow(Delay("wait", TimeSpan.FromDays(400)))).Keys);
    }

    [Fact]
    public void An_http_timeout_over_ten_minutes_is_refused_at_save()
    {
        var call = Http("call", "https://example.com/").With("timeout", "01:00:00");

        Assert.Equal("At most 10 minutes.", Assert.Single(Refusal(Workflow(call))["steps[0].config.timeout"]));
    }

    [Fact]
    public void An_approval_timeout_over_366_days_is_refused_at_save()
    {
        var approval = Step("ask", "approval", new JsonObject { ["message"] = "Go?", ["timeout"] = "400.00:00:00" });

        Assert.Contains("steps[0].config.timeout", Refusal(Workflow(approval)).Keys);
    }

    [Fact]
    public void A_schedule_every_over_a_year_is_refused()
    {
        var definition = Workflow(Transform("a", 1));
        definition["trigger"] = new JsonObject { ["type"] = "schedule", ["schedule"] = new JsonObject { ["every"] = "400.00:00:00" } };

        Assert.Contains("trigger.schedule.every", Refusal(definition).Keys);
    }

    [Fact]
    public void A_literal_delay_until_more_than_ten_years_ahead_is_refused()
    {
        var until = Desk.Time.GetUtcNow().AddYears(11).ToString("O");
        var errors = Refusal(Workflow(Step("wait", "delay", new JsonObject { ["until"] = until })));

        Assert.Equal("At most 10 years from now.", Assert.Single(errors["steps[0].config.until"]));
    }

    [Fact]
    public void A_literal_delay_until_nine_years_ahead_reads()
    {
        Reads(Workflow(Step("wait", "delay", new JsonObject { ["until"] = Desk.Time.GetUtcNow().AddYears(9).ToString("O") })));
    }

    [Fact]
    public async Task A_templated_delay_until_more_than_ten_years_ahead_fails_its_step_when_resolved()
    {
        var definition = Workflow(Step("wait", "delay", new JsonObject { ["until"] = "${trigger.until}" }));

        var run = await Desk.RunAsync(definition, new JsonObject { ["until"] = Desk.Time.GetUtcNow().AddYears(20).ToString("O") });

        Assert.Equal(ExecutionStatus.Failed, run.Status);
        Assert.Contains("until", run.Steps.Single().ErrorHuman, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("1.5")]
    [InlineData("2")]
    public void A_schema_version_other_than_the_number_1_is_refused(string version)
    {
        var definition = Workflow(Transform("a", 1));
        definition["schemaVersion"] = JsonNode.Parse(version);

        Assert.Contains("schemaVersion", Refusal(definition).Keys);
    }

    [Fact]
    public void A_missing_schema_version_reads_as_1()
    {
        var definition = Workflow(Transform("a", 1));
        definition.Remove("schemaVersion");

        Assert.Equal(1, Desk.Get<WorkflowDefinitionReader>().Read(definition.ToJsonString()).SchemaVersion);
    }

    [Theory]
    [InlineData("Line\nbreak")]
    [InlineData("Tab\there")]
    [InlineData("Bell\u0007")]
    [InlineData("C1\u0085next")]
    public void A_workflow_name_with_a_control_character_is_refused(string name)
    {
        Assert.Contains("name", Refusal(Workflow(name, Transform("a", 1))).Keys);
    }

    [Fact]
    public void A_step_name_with_a_line_break_is_refused()
    {
        Assert.Contains("steps[0].name", Refusal(Workflow(Set(Transform("a", 1), "name", "Two\r\nlines"))).Keys);
    }

    [Theory]
    [InlineData("Orders")]
    [InlineData("_orders")]
    [InlineData("my orders")]
    [InlineData("orders\n")]
    public void A_literal_collection_name_outside_the_rule_is_refused(string collection)
    {
        Assert.Contains("steps[0].config.collection", Refusal(Workflow(Record("save", collection))).Keys);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("2026.orders_eu-west")]
    [InlineData("${trigger.collection}")]
    public void A_collection_name_within_the_rule_or_a_template_reads(string collection)
    {
        Reads(Workflow(Record("save", collection)));
    }

    [Fact]
    public async Task A_collection_named_before_the_rule_keeps_taking_records()
    {
        await using (var db = Desk.NewDb())
        {
            db.Records.Add(new AutomationDesk.Core.Records.CollectionRecord
            {
                Id = Guid.CreateVersion7(), Collection = "Old Orders", DataJson = "{}", CreatedAt = CoreDesk.Epoch,
            });
            await db.SaveChangesAsync();
        }

        var run = await Desk.RunAsync(Workflow(Record("save", "${trigger.collection}")), new JsonObject { ["collection"] = "Old Orders" });

        Assert.Equal(ExecutionStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task A_templated_collection_name_is_checked_once_resolved()
    {
        var run = await Desk.RunAsync(Workflow(Record("save", "${trigger.collection}")), new JsonObject { ["collection"] = "Not A Name" });

        Assert.Equal(ExecutionStatus.Failed, run.Status);
        Assert.Contains("collection", run.Steps.Single().ErrorHuman, StringComparison.Ordinal);
    }
}
