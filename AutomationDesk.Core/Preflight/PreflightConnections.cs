using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Preflight;

/// <summary>
/// The connections a definition would use (each step's <c>connection</c>, the default connection of a step that names
/// none, a trigger's) must exist and pass their test. Each test is bounded (<see cref="TestLimit"/>), so a preflight
/// answers even when a server does not.
/// </summary>
public sealed class PreflightConnections(ConnectionStore connections, ConnectionTester tester, DeskSettings settings)
{
    public static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(10);

    private sealed record Use(string Name, string? StepId, string Field);

    public async Task<IReadOnlyList<PreflightFinding>> CheckAsync(
        WorkflowDefinition definition, StepRegistry registry, IReadOnlyList<PreflightPlanStep> plan, CancellationToken ct)
    {
        var findings = new List<PreflightFinding>();
        var uses = new List<Use>();
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            var field = $"steps[{i}].config.{ConnectionNames.Field}";
            var named = (i < plan.Count ? plan[i].Input as JsonObject : null)?[ConnectionNames.Field].TextOrNull();
            if (named is { Length: > 0 })
            {
                if (!named.Contains('⟨', StringComparison.Ordinal) && !named.Contains("${", StringComparison.Ordinal))
                {
                    uses.Add(new Use(named, step.Id, field));
                }
                continue;
            }
            if (registry.Find(step.Type)?.DefaultConnectionSetting is not { } setting)
            {
                continue;
            }
            if (await settings.TextAsync(setting, ct) is { Length: > 0 } fallback)
            {
                uses.Add(new Use(fallback, step.Id, field));
            }
            else
            {
                findings.Add(new PreflightFinding(PreflightSeverity.Warning, step.Id, field,
                    $"Step `{step.Id}` names no connection and the desk has no default (`{setting}`): it works only if the desk's configuration sets one up.",
                    $"Choose a connection on the step, or set `{setting}` in Admin › Settings."));
            }
        }
        if (definition.Trigger.Email is { Connection.Length: > 0 } email)
        {
            uses.Add(new Use(email.Connection, null, "trigger.email.connection"));
        }
        foreach (var group in uses.GroupBy(u => u.Name, StringComparer.Ordinal))
        {
            var first = group.First();
            if (await connections.GetAsync(group.Key, ct) is null)
            {
                findings.AddRange(group.Select(u => new PreflightFinding(PreflightSeverity.Error, u.StepId, u.Field,
                    $"The connection `{u.Name}` does not exist.", $"Create the connection `{u.Name}` in Admin › Connections, or choose another.")));
                continue;
            }
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TestLimit);
            ConnectionTestResult? result;
            try
            {
                result = await tester.TestAsync(group.Key, bounded.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                result = ConnectionTestResult.Failed($"No answer within {TestLimit.TotalSeconds:N0} s.");
            }
            if (result is { Ok: false })
            {
                findings.Add(new PreflightFinding(PreflightSeverity.Error, first.StepId, first.Field,
                    $"Connection `{group.Key}` failed its test: {result.Detail}", ActionForFailedTest(group.Key, result.Detail)));
            }
        }
        return findings;
    }

    /// <summary>What to do about a failed test, read from what the server said.</summary>
    public static string ActionForFailedTest(string name, string detail) =>
        RecommendedActions.LooksLikeCredentials(detail)
            ? $"Check the password, token or API key of the connection `{name}` in Admin › Connections."
            : RecommendedActions.LooksUnreachable(detail)
                ? $"Check the host, port or URL of the connection `{name}`, and that the service is up and reachable from the desk."
                : $"Open the connection `{name}` in Admin › Connections, correct what its test reports, and test it again.";
}
