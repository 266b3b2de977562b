using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Core.Ai.AiTestDesk;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Ai;

/// <summary>The openai and anthropic connections: their tests, the Anthropic protocol, the fallbacks and the network guard.</summary>
public sealed class AiConnectionTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private FakeOpenAiServer _openAi = null!;
    private FakeAnthropicServer _anthropic = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _openAi = await FakeOpenAiServer.StartAsync();
        _anthropic = await FakeAnthropicServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _anthropic.DisposeAsync();
        await _openAi.DisposeAsync();
        await _desk.DisposeAsync();
    }

    [Fact]
    public async Task Ai_openai_connection_test_lists_models_and_says_the_chosen_one_is_there()
    {
        await CreateOpenAiAsync(_desk, "ai", _openAi);

        var result = await _desk.Get<ConnectionTester>().TestAsync("ai", CancellationToken.None);

        Assert.True(result!.Ok, result.Detail);
        Assert.Contains("'gpt-4o-mini' is available", result.Detail, StringComparison.Ordinal);
        Assert.Contains("text-embedding-3-small", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_openai_connection_test_with_a_model_not_listed_passes_but_names_it()
    {
        await CreateOpenAiAsync(_desk, "ai", _openAi, model: "gpt-5-typo");

        var result = await _desk.Get<ConnectionTester>().TestAsync("ai", CancellationToken.None);

        Assert.True(result!.Ok);
        Assert.Contains("'gpt-5-typo' is not among the 3 listed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_openai_connection_test_with_a_wrong_key_fails_naming_the_key()
    {
        await using var strict = await FakeOpenAiServer.StartAsync("sk-right");
        await CreateOpenAiAsync(_desk, "ai", _openAi);
        await _desk.Get<ConnectionStore>().UpdateAsync("ai", new ConnectionInput("ai", "openai",
            new JsonObject { ["baseUrl"] = strict.BaseUrl, ["model"] = "gpt-4o-mini" }, null), Actor.System, CancellationToken.None);

        var result = await _desk.Get<ConnectionTester>().TestAsync("ai", CancellationToken.None);

        Assert.False(result!.Ok);
        Assert.Contains("Check the connection's API key", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_anthropic_connection_test_sends_its_key_and_version_and_lists_models()
    {
        await CreateAnthropicAsync(_desk, "claude", _anthropic);
        await CreateAnthropicAsync(_desk, "claude-bad", _anthropic, apiKey: "sk-ant-wrong");

        var good = await _desk.Get<ConnectionTester>().TestAsync("claude", CancellationToken.None);
        var bad = await _desk.Get<ConnectionTester>().TestAsync("claude-bad", CancellationToken.None);

        Assert.True(good!.Ok, good.Detail);
        Assert.Contains("'claude-sonnet-4-5' is available", good.Detail, StringComparison.Ordinal);
        Assert.False(bad!.Ok);
        Assert.DoesNotContain("sk-ant-wrong", bad.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_prompt_on_an_anthropic_connection_speaks_the_messages_api()
    {
        await CreateAnthropicAsync(_desk, "claude", _anthropic);
        _anthropic.Reply("Two orders.");

        var execution = await _desk.RunAsync(Workflow(Ask("ask", new JsonObject
        {
            ["connection"] = "claude", ["system"] = "Be brief.", ["prompt"] = "Summarise", ["temperature"] = 0.5,
        })));

        Assert.True(execution.Status == ExecutionStatus.Succeeded, execution.Steps[0].ErrorHuman);
        var (body, headers) = Assert.Single(_anthropic.Requests);
        Assert.Equal(FakeAnthropicServer.ApiKey, headers["x-api-key"].ToString());
        Assert.Equal("2023-06-01", headers["anthropic-version"].ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "model": "claude-sonnet-4-5", "max_tokens": 4096, "messages": [ { "role": "user", "content": "Summarise" } ], "system": "Be brief.", "temperature": 0.5 }
            """), body), body.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            { "text": "Two orders.", "model": "claude-sonnet-4-5", "usage": { "promptTokens": 21, "completionTokens": 8, "totalTokens": 29 }, "finishReason": "end_turn" }
            """), JsonNode.Parse(execution.Steps[0].OutputJson!)), execution.Steps[0].OutputJson);
    }

    [Fact]
    public async Task Ai_prompt_without_a_connection_uses_the_default_connection_setting()
    {
        await CreateOpenAiAsync(_desk, "house-ai", _openAi);
        await _desk.Get<DeskSettings>().SetAsync(DeskSettings.AiDefaultConnection, JsonValue.Create("house-ai"), Actor.System, CancellationToken.None);

        var execution = await _desk.RunAsync(Workflow(Ask("ask", new JsonObject { ["prompt"] = "hi" })));

        Assert.True(execution.Status == ExecutionStatus.Succeeded, execution.Steps[0].ErrorHuman);
        Assert.Single(_openAi.Requests);
    }

    [Fact]
    public async Task Ai_prompt_without_any_connection_falls_back_to_configuration_then_says_what_to_set()
    {
        var none = await _desk.RunAsync(Workflow(Ask("ask", new JsonObject { ["prompt"] = "hi" })));
        await using var configured = await CoreDesk.StartAsync(new Dictionary<string, string?>
        {
            ["Ai:BaseUrl"] = _openAi.BaseUrl, ["Ai:ApiKey"] = _openAi.ApiKey, ["Ai:Model"] = "gpt-4o",
        });

        var fromConfiguration = await configured.RunAsync(Workflow(Ask("ask", new JsonObject { ["prompt"] = "hi" })));

        Assert.Equal(ExecutionStatus.Failed, none.Status);
        Assert.Contains("ai.defaultConnection", none.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("Ai:BaseUrl", none.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.True(fromConfiguration.Status == ExecutionStatus.Succeeded, fromConfiguration.Steps[0].ErrorHuman);
        Assert.Equal("gpt-4o", (string)_openAi.Requests.Single().Body["model"]!);
    }

    [Fact]
    public async Task Ai_prompt_naming_a_connection_that_does_not_exist_is_refused_by_name()
    {
        var execution = await _desk.RunAsync(Workflow(Ask("ask", new JsonObject { ["connection"] = "nowhere", ["prompt"] = "hi" })));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains("no connection named 'nowhere'", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ai_local_server_on_a_private_network_is_reached_only_when_the_connection_allows_it()
    {
        await using var guarded = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Http:AllowPrivateNetworks"] = "false" });
        await CreateOpenAiAsync(guarded, "refused", _openAi);
        await CreateOpenAiAsync(guarded, "ollama", _openAi, allowPrivateNetwork: true);

        var refused = await guarded.RunAsync(Workflow(Ask("ask", new JsonObject { ["connection"] = "refused", ["prompt"] = "hi" }).WithRetry(3)));
        var allowed = await guarded.RunAsync(Workflow(Ask("ask", new JsonObject { ["connection"] = "ollama", ["prompt"] = "hi" })));

        Assert.Equal(ExecutionStatus.Failed, refused.Status);
        Assert.Equal(1, refused.Steps[0].Attempts);
        Assert.True(allowed.Status == ExecutionStatus.Succeeded, allowed.Steps[0].ErrorHuman);
        Assert.Single(_openAi.Requests);
    }
}
