using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// What templates see while a run is on a worker: <c>trigger</c>, <c>steps</c>, <c>workflow</c>, <c>execution</c>,
/// <c>secrets</c>, <c>vars</c>, <c>now</c> and <c>today</c>. Built once per run and kept up to date: each step's stored
/// output is parsed once, when it changes, not again for every later step. Resolving only reads the scope (it
/// clones what it returns). Ids and times are written as JSON text, as they would read back from storage. <c>vars</c>
/// holds the desk's global variables (settings <c>vars.*</c>, read by the caller once per run) under the workflow's own
/// <c>settings.vars</c>, which win.
/// </summary>
internal sealed class RunScope(
    Execution execution, CompiledWorkflow compiled, IReadOnlyDictionary<string, string> secretValues, TimeProvider time,
    IReadOnlyDictionary<string, JsonNode?>? globalVars = null)
{
    private readonly Dictionary<string, (string? OutputJson, StepStatus Status, JsonObject Entry)> _stepEntries = new(StringComparer.Ordinal);
    private JsonObject? _scope;

    public JsonObject Current()
    {
        var now = time.GetUtcNow();
        _scope ??= Build();
        _scope["now"] = Text(now);
        _scope["today"] = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var steps = (JsonObject)_scope["steps"]!;
        steps.Clear();
        foreach (var row in execution.Steps)
        {
            if (row.Status is StepStatus.Succeeded || (row.Status == StepStatus.Failed && row.OutputJson is not null))
            {
                steps[row.StepId] = StepEntry(row);
            }
        }
        return _scope;
    }

    private JsonObject StepEntry(StepRun row)
    {
        if (_stepEntries.TryGetValue(row.StepId, out var known)
            && ReferenceEquals(known.OutputJson, row.OutputJson) && known.Status == row.Status)
        {
            return known.Entry;
        }
        var entry = new JsonObject { ["output"] = StoredJson.Parse(row.OutputJson), ["status"] = row.Status.ToString() };
        _stepEntries[row.StepId] = (row.OutputJson, row.Status, entry);
        return entry;
    }

    private JsonObject Build()
    {
        var trigger = StoredJson.Parse(execution.TriggerInputJson) ?? new JsonObject();
        var scope = new JsonObject
        {
            ["trigger"] = trigger,
            ["steps"] = new JsonObject(),
            ["workflow"] = new JsonObject { ["id"] = Text(execution.WorkflowId), ["name"] = execution.WorkflowName, ["version"] = execution.WorkflowVersion },
            ["execution"] = new JsonObject
            {
                ["id"] = Text(execution.Id),
                ["startedAt"] = execution.StartedAt is { } started ? Text(started) : null,
                ["correlationId"] = execution.CorrelationId,
            },
            ["secrets"] = new JsonObject(secretValues.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)JsonValue.Create(s.Value)))),
            ["vars"] = compiled.VarsOver(globalVars),
            ["now"] = null,
            ["today"] = null,
        };
        if (execution.TriggerKind == TriggerTypes.Webhook)
        {
            scope["webhook"] = trigger.DeepClone();
        }
        return scope;
    }

    private static string Text(Guid id) => id.ToString();

    private static string Text(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
