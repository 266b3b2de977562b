using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Core.Ai.AiTestDesk;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Ai;

public sealed class AiPromptStepTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private FakeOpenAiServer _ai = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _ai = await FakeOpenAiServer.StartAsync();
        await CreateOpenAiAsync(_desk, "ai", _ai);
    }

    public async Task DisposeAsync()
    {
        await _ai.DisposeAsync();
        await _desk.DisposeAsync();
    }

    [Fact]
    public async Task Ai_prompt_sends_the_model_messages_temperature_and_max_tokens_and_returns_text_model_usage_and_finish_reason()
    {
        var execution = await _desk.RunAsync(Workflow(Ask("ask", new JsonObject
        {
            ["connection"] = "ai", ["system"] = "You are terse.", ["prompt"] = "Summarise: ${trigger.body.orders}",
            ["temperature"] = 0.2, ["maxTokens"] = 400,
        })), new JsonObject { ["body"] = new JsonObject { ["orders"] = "3 orders, 120 EUR" } });

        Assert.True(execution.Status == ExecutionStatus.Succeeded, execution.Steps[0].ErrorHuman);
        var (body, authorization) = Assert.Single(_ai.Requests);
        Assert.Equal($"Bearer {_ai.ApiKey}", authorization);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "model": "gpt-4o-mini",
              "messages": [ { "role": "system", "content": "You are terse." }, { "role": "user", "content": "Summarise: 3 orders, 120 EUR" } ],
              "temperature": 0.2, "max_tokens": 400 }
            """), body), body.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "text": "All quiet.", "model": "gpt-4o-mini-2024-07-18", "usage": { "promptTokens": 12, "completionTokens": 34, "totalTokens": 46 }, "finishReason": "stop" }
            """), JsonNode.Parse(execution.Steps[0].OutputJson!)), execution.Steps[0].OutputJson);
    }

    [Fact]
    public async Task Ai_prompt_with_a_message_list_and_its_own_model_sends_them_as_given()
    {
        await _desk.RunAsync(Workflow(Ask("ask", new JsonObject
        {
            ["model"] = "gpt-4o", ["connection"] = "ai",
            ["messages"] = JsonNode.Parse("""[ { "role": "user", "content": "Hi" }, { "role": "assistant", "content": "Hello" }, { "role": "user", "content": "Again" } ]"""),
        })));

        var (body, _) = Assert.Single(_ai.Requests);
        Assert.Equal("gpt-4o", (string)body["model"]!);
        Assert.Equal(["user", "assistant", "user"], body["messages"]!.AsArray().Select(m => (string)m!["role"]!));
        Assert.False(body.ContainsKey("temperature"));
        Assert.False(body.ContainsKey("response_format"));
    }

    [Fact]
    public async Task Ai_json_answer_in_a_fence_is_parsed_and_the_schema_goes_to_the_service_as_response_format()
    {
        _ai.Reply("```json\n{ \"summary\": \"3 orders\", \"total\": 120 }\n```");

        var execution = await _desk.RunAsync(Workflow(Ask("ask", Json(Schema))));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var output = JsonNode.Parse(execution.Steps[0].OutputJson!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "summary": "3 orders", "total": 120 }"""), output["json"]));
        var (body, _) = Assert.Single(_ai.Requests);
        Assert.Equal("json_schema", (string)body["response_format"]!["type"]!);
        Assert.True(JsonNode.DeepEquals(Schema, body["response_format"]!["json_schema"]!["schema"]));
        Assert.Contains("JSON", (string)body["messages"]![0]!["content"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_json_without_a_schema_asks_for_a_json_object()
    {
        _ai.Reply("[1, 2]");

        var execution = await _desk.RunAsync(Workflow(Ask("ask", Json(null))));

        Assert.Equal("[1,2]", JsonNode.Parse(execution.Steps[0].OutputJson!)!["json"]!.ToJsonString());
        Assert.Equal("""{"type":"json_object"}""", _ai.Requests.Single().Body["response_format"]!.ToJsonString());
    }

    [Fact]
    public async Task Ai_answer_that_breaks_the_schema_is_retried_then_fails_naming_the_mismatch()
    {
        _ai.Reply("""{ "total": -5 }""");
        _ai.Reply("""{ "total": -5 }""");

        var first = await _desk.RunAsync(Workflow(Ask("ask", Json(Schema)).WithRetry(2)));
        Assert.Equal(ExecutionStatus.Retrying, first.Status);
        _desk.Time.Advance(TimeSpan.FromSeconds(3));
        await _desk.RunDueWorkAsync();

        var failed = await _desk.ExecutionAsync(first.Id);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(2, failed.Steps[0].Attempts);
        Assert.Equal(2, _ai.Requests.Count);
        var error = failed.Steps[0].ErrorHuman!;
        Assert.Contains("does not match the schema", error, StringComparison.Ordinal);
        Assert.Contains("summary", error, StringComparison.Ordinal);
        Assert.Contains("/total", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_answer_that_breaks_the_schema_once_succeeds_when_asked_again()
    {
        _ai.Reply("""{ "total": 1 }""");
        _ai.Reply("""{ "summary": "ok", "total": 1 }""");

        var first = await _desk.RunAsync(Workflow(Ask("ask", Json(Schema)).WithRetry(2)));
        _desk.Time.Advance(TimeSpan.FromSeconds(3));
        await _desk.RunDueWorkAsync();

        var done = await _desk.ExecutionAsync(first.Id);
        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.Equal("ok", (string)JsonNode.Parse(done.Steps[0].OutputJson!)!["json"]!["summary"]!);
    }

    [Fact]
    public async Task Ai_answer_that_is_not_json_when_json_is_asked_is_a_retryable_error_saying_so()
    {
        _ai.Reply("Sure! The summary is: all quiet.");

        var execution = await _desk.RunAsync(Workflow(Ask("ask", Json(null)).WithRetry(2)));

        Assert.Equal(ExecutionStatus.Retrying, execution.Status);
        Assert.Contains("not JSON", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_rate_limit_is_retried_after_the_time_the_service_asked_for()
    {
        _ai.Reply(FakeAiReply.Failing(429, retryAfterSeconds: 120));

        var execution = await _desk.RunAsync(Workflow(Ask("ask", Prompt()).WithRetry(2)));

        Assert.Equal(ExecutionStatus.Retrying, execution.Status);
        Assert.True(execution.Steps[0].ResumeAt >= CoreDesk.Epoch.AddSeconds(120), $"resumes at {execution.Steps[0].ResumeAt}");
        Assert.Contains("429", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        _desk.Time.Advance(TimeSpan.FromSeconds(121));
        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(execution.Id)).Status);
    }

    [Fact]
    public async Task Ai_server_error_is_retried()
    {
        _ai.Reply(FakeAiReply.Failing(500));

        var execution = await _desk.RunAsync(Workflow(Ask("ask", Prompt()).WithRetry(2)));

        Assert.Equal(ExecutionStatus.Retrying, execution.Status);
        Assert.Contains("The server had an error", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_refused_api_key_fails_at_once_and_says_to_check_the_connection_s_key()
    {
        await using var strict = await FakeOpenAiServer.StartAsync("sk-other-key");
        var config = new JsonObject { ["baseUrl"] = strict.BaseUrl, ["model"] = "gpt-4o-mini" };
        await _desk.Get<AutomationDesk.Core.Connections.ConnectionStore>().CreateAsync(new("wrong", "openai", config,
            new Dictionary<string, string?> { ["apiKey"] = "sk-wrong" }), AutomationDesk.Core.Auditing.Actor.System, CancellationToken.None);

        var execution = await _desk.RunAsync(Workflow(Ask("ask", new JsonObject { ["connection"] = "wrong", ["prompt"] = "hi" }).WithRetry(3)));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(1, execution.Steps[0].Attempts);
        Assert.Contains("check the connection's API key", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_usage_is_summed_over_the_run_s_ai_prompt_steps()
    {
        _ai.Reply(new FakeAiReply("one", PromptTokens: 10, CompletionTokens: 5));
        _ai.Reply(new FakeAiReply("two", PromptTokens: 7, CompletionTokens: 3));

        var execution = await _desk.RunAsync(Workflow(Ask("first", Prompt()), Transform("between", "x"), Ask("second", Prompt())));

        var usage = ExecutionDetail.From(execution).Usage;
        Assert.Equal(new AutomationDesk.Core.Steps.AiTokenUsage(17, 8, 25), usage);
        Assert.Null(ExecutionDetail.From(await _desk.RunAsync(Workflow(Transform("only", "x")))).Usage);
    }

    [Fact]
    public async Task Ai_api_key_is_never_stored_in_inputs_outputs_errors_or_logs()
    {
        _ai.Reply(FakeAiReply.Failing(500));

        var execution = await _desk.RunAsync(Workflow(Ask("ask", new JsonObject { ["connection"] = "ai", ["prompt"] = "key is ${trigger.body.k}" }).WithRetry(2)),
            new JsonObject { ["body"] = new JsonObject { ["k"] = _ai.ApiKey } });
        _desk.Time.Advance(TimeSpan.FromSeconds(3));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        var stored = string.Join("\n", finished.Steps.SelectMany(s => new[] { s.InputJson, s.OutputJson, s.ErrorHuman, s.ErrorTech })
            .Concat((await _desk.LogsAsync(execution.Id)).SelectMany(l => new[] { l.Message, l.DataJson }))
            .Append(finished.OutputJson));
        Assert.Contains("***", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(_ai.ApiKey!, stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "prompt": "a", "messages": [ { "role": "user", "content": "b" } ] }""", "config.messages")]
    [InlineData("""{ "prompt": "" }""", "config.prompt")]
    [InlineData("""{ "messages": [ { "role": "robot", "content": "b" } ] }""", "config.messages[0].role")]
    [InlineData("""{ "prompt": "a", "temperature": 3 }""", "config.temperature")]
    [InlineData("""{ "prompt": "a", "responseFormat": "yaml" }""", "config.responseFormat")]
    [InlineData("""{ "prompt": "a", "schema": { "type": "object" } }""", "config.schema")]
    [InlineData("""{ "prompt": "a", "responseFormat": "json", "schema": { "type": 5 } }""", "config.schema")]
    public void Ai_config_that_cannot_work_is_refused_at_its_field(string config, string field)
    {
        var descriptor = _desk.Get<AutomationDesk.Core.Steps.StepRegistry>().Find("ai.prompt")!;

        var refusal = Assert.Throws<AutomationDesk.Core.Steps.StepConfigException>(() => descriptor.ReadConfig((JsonObject)JsonNode.Parse(config)!));

        Assert.Contains(field, refusal.Errors.Select(e => e.Field));
    }

    private static readonly JsonObject Schema = (JsonObject)JsonNode.Parse("""
        { "type": "object", "required": ["summary"], "properties": { "summary": { "type": "string" }, "total": { "type": "number", "minimum": 0 } } }
        """)!;

    private static JsonObject Prompt() => new() { ["connection"] = "ai", ["prompt"] = "Summarise." };

    private static JsonObject Json(JsonObject? schema)
    {
        var config = new JsonObject { ["connection"] = "ai", ["prompt"] = "Summarise as JSON.", ["responseFormat"] = "json" };
        if (schema is not null)
        {
            config["schema"] = schema.DeepClone();
        }
        return config;
    }
}
