using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Pinned;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The editor's pinned test data, cascaded to its step cards, template fields and the pinned panel: it loads and changes
/// the pins through Core, keeps the scope the previews resolve against, and remembers the template field last focused so
/// a click in an output tree can insert its path there.
/// </summary>
public sealed class EditorPins(PinnedOutputs pinned, SingleStepRun steps, TimeProvider time)
{
    private Func<string, Task>? _insertInto;

    /// <summary>Raised when the pins change, so previews and suggestions follow.</summary>
    public event Action? Changed;

    public Guid? WorkflowId { get; private set; }
    public PinnedData? Data { get; private set; }
    public JsonObject? Scope { get; private set; }

    /// <summary>Secret names and global variables, for the previews' scope (secrets read <c>***</c>).</summary>
    public IReadOnlyList<string> SecretNames { get; set; } = [];
    public IReadOnlyDictionary<string, JsonNode?> Vars { get; set; } = new Dictionary<string, JsonNode?>();
    public string WorkflowName { get; set; } = "";

    public bool HasData => Data is { } data && (data.Trigger is not null || data.Steps.Count > 0);

    public async Task LoadAsync(Guid? workflowId, CancellationToken ct)
    {
        WorkflowId = workflowId;
        Show(workflowId is { } id ? await pinned.ReadAsync(id, ct) : null);
    }

    public async Task PinRunAsync(Guid executionId, Actor actor, CancellationToken ct)
    {
        if (WorkflowId is { } id)
        {
            Show(await pinned.PinRunAsync(id, executionId, actor, ct));
        }
    }

    public async Task ClearAsync(Actor actor, CancellationToken ct)
    {
        if (WorkflowId is { } id && await pinned.ClearAsync(id, actor, ct))
        {
            Show(await pinned.ReadAsync(id, ct));
        }
    }

    /// <summary>Executes one step of the draft against the pins; its output is pinned and every preview follows.</summary>
    public async Task<SingleStepResult?> ExecuteAsync(string stepId, JsonObject draft, Actor actor, CancellationToken ct)
    {
        if (WorkflowId is not { } id)
        {
            return null;
        }
        var result = await steps.RunAsync(id, stepId, (JsonObject)draft.DeepClone(), null, actor, ct);
        Show(await pinned.ReadAsync(id, ct));
        return result;
    }

    /// <summary>The pinned output of a step; null when none is pinned.</summary>
    public JsonNode? OutputOf(string stepId) => Data?.OutputOf(stepId);

    /// <summary>What a template text resolves to against the pins, or the reason it does not; null when nothing is pinned.</summary>
    public (string? Value, string? Reason)? Preview(string text) => Scope is { } scope ? PinnedPreview.Resolve(text, scope) : null;

    /// <summary>The deeper paths of the pinned data below the given ones (<c>steps.fetch.output</c>, <c>trigger.body</c>).</summary>
    public IEnumerable<string> PathsBelow(IEnumerable<string> offered)
    {
        if (Scope is not { } scope)
        {
            return [];
        }
        return offered.Where(p => p == "trigger.body" || (p.StartsWith("steps.", StringComparison.Ordinal) && p.EndsWith(".output", StringComparison.Ordinal)))
            .SelectMany(p => PinnedPaths.Below(Lookup(scope, p), p));
    }

    /// <summary>The template field that has the focus now: a click in an output tree inserts there.</summary>
    public void Focus(Func<string, Task> insert) => _insertInto = insert;

    /// <summary>Inserts <c>${path}</c> into the field last focused; false when no field was focused.</summary>
    public async Task<bool> InsertAsync(string path)
    {
        if (_insertInto is not { } insert)
        {
            return false;
        }
        await insert(path);
        return true;
    }

    private static JsonNode? Lookup(JsonObject scope, string path)
    {
        JsonNode? node = scope;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject obj ? obj[part] : null;
        }
        return node;
    }

    private void Show(PinnedData? data)
    {
        Data = data;
        Scope = data is null ? null : PinnedPreview.Scope(data, SecretNames, Vars, WorkflowName, time.GetUtcNow());
        Changed?.Invoke();
    }
}
