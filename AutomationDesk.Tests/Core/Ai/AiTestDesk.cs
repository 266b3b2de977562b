using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Ai;

/// <summary>Shared pieces of the AI tests: connections to the fake servers and an <c>ai.prompt</c> step.</summary>
internal static class AiTestDesk
{
    public static Task CreateOpenAiAsync(CoreDesk desk, string name, FakeOpenAiServer server, string model = "gpt-4o-mini", bool allowPrivateNetwork = false)
    {
        var config = new JsonObject { ["baseUrl"] = server.BaseUrl, ["model"] = model };
        if (allowPrivateNetwork)
        {
            config[ConnectionSettings.AllowPrivateNetworkField] = true;
        }
        var secrets = new Dictionary<string, string?> { ["apiKey"] = server.ApiKey };
        return desk.Get<ConnectionStore>().CreateAsync(new ConnectionInput(name, OpenAiConnection.TypeName, config, secrets), Actor.System, CancellationToken.None);
    }

    public static Task CreateAnthropicAsync(CoreDesk desk, string name, FakeAnthropicServer server, string apiKey = FakeAnthropicServer.ApiKey) =>
        desk.Get<ConnectionStore>().CreateAsync(new ConnectionInput(name, AnthropicConnection.TypeName,
            new JsonObject { ["baseUrl"] = server.BaseUrl, ["model"] = "claude-sonnet-4-5" },
            new Dictionary<string, string?> { ["apiKey"] = apiKey }), Actor.System, CancellationToken.None);

    public static JsonObject Ask(string id, JsonObject config) => Step(id, "ai.prompt", config);

    public static JsonObject WithRetry(this JsonObject step, int attempts)
    {
        step["retry"] = new JsonObject { ["maxAttempts"] = attempts, ["backoff"] = "fixed", ["initialDelay"] = "00:00:02", ["maxDelay"] = "00:01:00" };
        return step;
    }
}
