using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>The <c>code</c> step end to end: what a script returns and logs, its errors by line, and each sandbox limit.</summary>
public sealed class CodeStepTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private CoreDesk Desk => fixture.Desk;

    private static JsonObject Code(string id, string source, JsonNode? input = null)
    {
        var config = new JsonObject { ["source"] = source };
        if (input is not null)
        {
            config["input"] = input;
        }
        return Step(id, "code", config);
    }

    private async Task<StepRun> RunAsync(string source, JsonNode? input = null, JsonObject? trigger = null)
    {
        var execution = await Desk.RunAsync(Workflow(Code("script", source, input)), trigger);
        return Assert.Single(execution.Steps);
    }

    private static string? Output(StepRun step) => step.OutputJson;

    private IReadOnlyDictionary<string, string[]> Refusal(JsonObject definition) =>
        Assert.Throws<WorkflowValidationException>(() => Desk.Get<WorkflowDefinitionReader>().Read(definition.ToJsonString())).Errors;

    [Fact]
    public async Task The_sum_example_of_the_docs_returns_the_total_of_the_trigger_items()
    {
        var trigger = new JsonObject { ["body"] = new JsonObject { ["items"] = new JsonArray(1, 2, 3.5) } };

        var step = await RunAsync("return { total: input.items.reduce((a, b) => a + b, 0) };",
            new JsonObject { ["items"] = "${trigger.body.items}" }, trigger);

        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal("""{"total":6.5}""", Output(step));
    }

    [Theory]
    [InlineData("return { a: 1, b: [true, null], c: 'x' };", """{"a":1,"b":[true,null],"c":"x"}""")]
    [InlineData("return [1, 'two', { three: 3 }];", """[1,"two",{"three":3}]""")]
    [InlineData("return 'text';", "\"text\"")]
    [InlineData("return 41 + 1;", "42")]
    [InlineData("return 0.5;", "0.5")]
    [InlineData("return false;", "false")]
    [InlineData("return new Date(0);", "\"1970-01-01T00:00:00.000Z\"")]
    public async Task Every_JSON_type_a_script_returns_is_its_output(string source, string json)
    {
        var step = await RunAsync(source);

        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal(json, Output(step));
    }

    [Theory]
    [InlineData("return null;")]
    [InlineData("return undefined;")]
    [InlineData("let x = 1;")]
    [InlineData("return () => 1;")]
    public async Task Null_undefined_and_nothing_returned_are_a_null_output(string source)
    {
        var step = await RunAsync(source);

        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Null(StoredJson.Parse(Output(step)));
    }

    [Fact]
    public async Task A_later_step_reads_the_output_through_templates()
    {
        var execution = await Desk.RunAsync(Workflow(
            Code("compute", "return { doubled: input.n * 2 };", new JsonObject { ["n"] = 21 }),
            Transform("use", "${steps.compute.output.doubled}").DependsOn("compute")));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal("42", execution.Steps[1].OutputJson);
    }

    [Fact]
    public async Task Console_lines_become_run_logs_at_their_level_joined_as_a_browser_does()
    {
        var execution = await Desk.RunAsync(Workflow(Code("script", """
            console.log('total', 3, { a: [1, 2] }, null, undefined);
            console.info('info line');
            console.warn('careful');
            console.error('broken', new Error('why'));
            console.debug('detail');
            return 1;
            """)));

        var logs = (await Desk.LogsAsync(execution.Id)).Where(l => l.StepId == "script").Select(l => (l.Level, l.Message)).ToList();
        Assert.Contains((LogLevelName.Information, """total 3 {"a":[1,2]} null undefined"""), logs);
        Assert.Contains((LogLevelName.Information, "info line"), logs);
        Assert.Contains((LogLevelName.Warning, "careful"), logs);
        Assert.Contains((LogLevelName.Error, "broken Error: why"), logs);
        Assert.Contains((LogLevelName.Debug, "detail"), logs);
    }

    [Fact]
    public async Task Console_output_past_its_limit_is_dropped_and_said_once()
    {
        var execution = await Desk.RunAsync(Workflow(Code("script", "for (let i = 0; i < 5000; i++) console.log('line ' + i); return 1;")));

        var logs = (await Desk.LogsAsync(execution.Id)).Where(l => l.StepId == "script" && l.Message.StartsWith("line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(1000, logs.Count);
        Assert.Single(await Desk.LogsAsync(execution.Id), l => l.Message.Contains("further console output was dropped", StringComparison.Ordinal));
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
    }

    [Fact]
    public async Task Input_templates_are_resolved_while_a_JavaScript_template_literal_in_the_source_is_left_alone()
    {
        var definition = Workflow(Code("script", "const who = input.name; return `hello ${who} ${input.n + 1}`;",
            new JsonObject { ["name"] = "${trigger.body.name}", ["n"] = 1 }));
        Desk.Get<WorkflowDefinitionReader>().Read(definition.ToJsonString());

        var execution = await Desk.RunAsync(definition, new JsonObject { ["body"] = new JsonObject { ["name"] = "Ada" } });

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal("\"hello Ada 2\"", execution.Steps[0].OutputJson);
    }

    [Fact]
    public async Task A_source_that_names_a_secret_in_a_template_literal_does_not_ask_for_that_secret()
    {
        var step = await RunAsync("const secrets = { token: 'not a secret' }; return `${secrets.token}`;");

        Assert.Equal(StepStatus.Succeeded, step.Status);
        Assert.Equal("\"not a secret\"", Output(step));
    }

    [Fact]
    public void A_syntax_error_is_refused_at_save_naming_its_line_in_the_source_field()
    {
        var errors = Refusal(Workflow(Code("script", "const a = 1;\nconst b = ;\nreturn a;")));

        Assert.Equal("SyntaxError at line 2, column 11: Unexpected token ';'", Assert.Single(errors["steps[0].config.source"]));
    }

    [Fact]
    public void A_source_that_closes_the_function_it_runs_in_is_refused_at_save()
    {
        var errors = Refusal(Workflow(Code("script", "return 1;\n}); (function () {")));

        Assert.StartsWith("SyntaxError at line 2", Assert.Single(errors["steps[0].config.source"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_too_long_source_is_refused_at_save()
    {
        Assert.Equal("Required.", Assert.Single(Refusal(Workflow(Step("script", "code", new JsonObject { ["input"] = 1 })))["steps[0].config.source"]));
        Assert.Equal("At most 64 KiB of script.",
            Assert.Single(Refusal(Workflow(Code("script", "// " + new string('x', 64 * 1024))))["steps[0].config.source"]));
    }

    [Fact]
    public void A_timeout_over_30_seconds_is_refused_at_save_and_30_seconds_reads()
    {
        var tooLong = Code("script", "return 1;");
        tooLong["timeout"] = "00:00:31";
        var longest = Code("script", "return 1;");
        longest["timeout"] = "00:00:30";

        Assert.Equal("A code step may take at most 30 seconds.", Assert.Single(Refusal(Workflow(tooLong))["steps[0].timeout"]));
        Desk.Get<WorkflowDefinitionReader>().Read(Workflow(longest).ToJsonString());
    }

    [Fact]
    public async Task A_runtime_TypeError_names_the_line_and_column_in_the_script()
    {
        var step = await RunAsync("const order = input;\n\nreturn order.x.y;", new JsonObject());

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal("TypeError at line 3, column 16: Cannot read properties of undefined (reading 'y')", step.ErrorHuman);
    }

    [Fact]
    public async Task A_thrown_error_fails_the_step_once_with_its_message_and_line()
    {
        var step = Code("script", "if (true) {\n  throw new Error('no orders today');\n}");
        step["retry"] = new JsonObject { ["maxAttempts"] = 3, ["backoff"] = "fixed" };

        var execution = await Desk.RunAsync(Workflow(step));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(1, execution.Steps[0].Attempts);
        Assert.Equal("Error at line 2, column 9: no orders today", execution.Steps[0].ErrorHuman);
    }

    [Fact]
    public async Task An_endless_loop_is_cut_by_the_time_limit()
    {
        var step = await RunAsync("while (true) {}");

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal("The script ran longer than 1 s.", step.ErrorHuman);
    }

    [Theory]
    [InlineData("function f(n) { return 1 + f(n + 1); } return f(0);")]
    [InlineData("function f() { return f(); } return f();")]
    public async Task Deep_recursion_is_cut_by_the_recursion_limit(string source)
    {
        var step = await RunAsync(source);

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal("The script recursed deeper than 256 calls.", step.ErrorHuman);
    }

    [Fact]
    public async Task A_huge_allocation_is_cut_by_the_memory_limit()
    {
        var step = await RunAsync("let a = []; while (true) a.push('x'.repeat(1e6));");

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal("The script used more than 32 MB.", step.ErrorHuman);
    }

    [Theory]
    [InlineData("importNamespace('System.IO')", "importNamespace is not defined")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')", "System is not defined")]
    [InlineData("require('fs')", "require is not defined")]
    [InlineData("fetch('http://127.0.0.1/')", "fetch is not defined")]
    [InlineData("setTimeout(() => 1, 10)", "setTimeout is not defined")]
    public async Task The_CLR_modules_network_and_timers_are_not_there(string call, string message)
    {
        var step = await RunAsync($"return {call};");

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal($"ReferenceError at line 1, column 8: {message}", step.ErrorHuman);
    }

    [Fact]
    public async Task Nothing_of_the_host_is_reachable_from_the_global_object()
    {
        var step = await RunAsync("""
            return ['importNamespace', 'System', 'require', 'fetch', 'setTimeout', 'process', 'clr', 'host']
              .filter(name => typeof globalThis[name] !== 'undefined');
            """);

        Assert.Equal("[]", Output(step));
    }

    [Fact]
    public void An_import_statement_is_refused_at_save()
    {
        Assert.Contains("steps[0].config.source", Refusal(Workflow(Code("script", "import fs from 'fs';\nreturn 1;"))).Keys);
    }

    [Fact]
    public async Task Cancelling_stops_an_endless_script()
    {
        // The step itself, with the token the runner hands it: a cancelled run leaves a step that has not stopped behind,
        // so only the step can show that the script ends at the cancel and not at its 30 s limit.
        var code = Desk.Get<StepRegistry>().Find("code")!;
        var context = new StepContext(Guid.NewGuid(), Guid.NewGuid(), "endless", 1) { Timeout = TimeSpan.FromSeconds(30) };
        using var cancel = new CancellationTokenSource();
        var running = Task.Run(() => code.ExecuteAsync(new JsonObject { ["source"] = "console.log('started'); while (true) {}" }, context, cancel.Token));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (context.DrainLogs().Count == 0)
            {
                await Task.Delay(10, wait.Token);
            }
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_script_over_the_statement_limit_is_cut_naming_it()
    {
        await using var desk = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Code:MaxStatements"] = "10000" });

        var execution = await desk.RunAsync(Workflow(Code("script", "let n = 0; for (;;) { n++; }")));

        Assert.Equal("The script ran more than 10,000 statements.", execution.Steps[0].ErrorHuman);
    }

    [Fact]
    public async Task A_returned_value_over_1_MiB_fails_the_step_naming_the_limit()
    {
        var step = await RunAsync("return 'x'.repeat(1100 * 1024);");

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Equal("The returned value is over 1 MiB as JSON: return less, or keep big data elsewhere.", step.ErrorHuman);
    }

    [Fact]
    public async Task A_returned_value_JSON_cannot_write_fails_the_step_saying_so()
    {
        var step = await RunAsync("return { big: 10n };");

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.StartsWith("The returned value cannot be written as JSON:", step.ErrorHuman, StringComparison.Ordinal);
    }
}
