using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// A step for tests only that names a <see cref="LoopbackConnectionType"/> connection in <c>config.connection</c>, as
/// the real connection-using steps do: workflows with it are "in use" of the connection and export it.
/// </summary>
[StepType("loopback.check", Label = "Check the loopback service", Category = StepCategory.Integrations, Summary = "Checks the test loopback service.")]
public sealed class LoopbackCheckStep(ConnectionTester tester) : IStep<LoopbackCheckConfig>
{
    public async Task<StepResult> ExecuteAsync(LoopbackCheckConfig config, StepContext context, CancellationToken ct)
    {
        var result = await tester.TestAsync(config.Connection, ct)
            ?? throw new StepFailedException($"There is no connection '{config.Connection}'.", "unknown connection");
        return StepResult.Done(new JsonObject { ["ok"] = result.Ok, ["detail"] = result.Detail });
    }

    /// <summary>A workflow of one such step.</summary>
    public static JsonObject Workflow(string name, string connection) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = name,
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray
        {
            new JsonObject { ["id"] = "check", ["type"] = "loopback.check", ["config"] = new JsonObject { ["connection"] = connection } },
        },
    };
}

public sealed record LoopbackCheckConfig
{
    public required string Connection { get; init; }
}
