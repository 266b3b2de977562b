using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Preflight;

/// <summary>
/// Whether a step changes the world, which a dry run must not let it do. The step type says so
/// (<see cref="StepTypeAttribute.HasSideEffects"/>), except that an <c>http.request</c> that only reads (GET, HEAD,
/// OPTIONS) is safe to run for real: a dry run then shows what it would have read. An <c>approval</c> asks people (it
/// notifies its approvers and waits for them), so a dry run does not ask: it goes on as if approved.
/// </summary>
public static class StepSideEffects
{
    private const string HttpRequest = "http.request";

    private static readonly HashSet<string> ReadingMethods = new(StringComparer.OrdinalIgnoreCase) { "GET", "HEAD", "OPTIONS" };

    public static bool Of(StepDescriptor descriptor, JsonObject config) =>
        descriptor.Name == ApprovalStep.TypeName
        || (descriptor.HasSideEffects && !(descriptor.Name == HttpRequest && ReadingMethods.Contains(config["method"].TextOrNull() ?? "GET")));

    /// <summary>
    /// A dry run's output for a side-effect step: what it would have sent (the config, already masked); an approval's also
    /// has the decision the steps after it read.
    /// </summary>
    public static JsonObject DryRunOutput(StepDescriptor descriptor, JsonNode? wouldSend)
    {
        var output = new JsonObject { ["dryRun"] = true, ["wouldSend"] = wouldSend };
        if (descriptor.Name == ApprovalStep.TypeName)
        {
            output["decision"] = "approved";
        }
        return output;
    }
}
