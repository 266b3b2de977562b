using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Queues a ComfyUI API-format graph, with <c>inputs</c> set at <c>node.inputs.name</c> paths, waits for it by polling
/// <c>/history/{id}</c> (an awaited delay between polls: no thread is held), and keeps every output file as a run
/// artifact. Cancelling the run (or the step's time running out) interrupts the prompt on ComfyUI. A retry of this step
/// queues the graph again: ComfyUI has no idempotency key, and a render that failed is not half-kept.
/// </summary>
// A render waits up to its config's timeout (at most an hour), plus the downloads: the attempt may take that long.
[StepType("comfyui.prompt", Label = "ComfyUI prompt", Category = StepCategory.Integrations, Summary = "Renders images or video on a ComfyUI server and keeps the files.", HasSideEffects = true, DefaultTimeoutMinutes = 65)]
public sealed class ComfyUiPromptStep(
    ConnectionStore connections, ConnectionHttp http, ArtifactStore artifacts, IOptions<HttpStepOptions> options, TimeProvider time)
    : IStep<ComfyUiPromptConfig>
{
    /// <summary>How long stopping a cancelled prompt on ComfyUI may take before the step lets go anyway.</summary>
    public static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(5);

    /// <summary>Polls that fail in a row (ComfyUI restarting, a network blip) before the step gives up.</summary>
    public const int MaxFailedPolls = 5;

    public async Task<StepResult> ExecuteAsync(ComfyUiPromptConfig config, StepContext context, CancellationToken ct)
    {
        var settings = await connections.ResolveAsync(config.Connection, ct)
            ?? throw new StepFailedException($"There is no connection named '{config.Connection}': add it under Connections, or name another.");
        if (settings.Type != "comfyui")
        {
            throw new StepFailedException($"The connection '{config.Connection}' is a {settings.Type} connection; this step needs a ComfyUI connection.");
        }
        var server = new ComfyUiServer(http, settings, options.Value.MaxResponseBytes);
        var queued = await server.QueueAsync(config.Graph(), $"automationdesk-{context.ExecutionId:N}", ct);
        // Kept in the run's log, so a person can find the prompt in ComfyUI's own queue and history.
        context.Log(LogLevelName.Information, $"Queued prompt {queued.PromptId} on ComfyUI (number {queued.Number?.ToJsonString() ?? "?"})",
            new JsonObject { ["promptId"] = queued.PromptId });
        if (queued.NodeErrors is { Count: > 0 } nodeErrors)
        {
            context.Log(LogLevelName.Warning, "ComfyUI queued the prompt but reported errors on some nodes; their outputs will be missing.", nodeErrors.DeepClone());
        }
        if (!config.Wait)
        {
            return StepResult.Done(Output(queued.PromptId, "queued", []));
        }
        JsonObject? entry;
        try
        {
            entry = await WaitAsync(server, queued.PromptId, config, ct);
        }
        catch (OperationCanceledException)
        {
            // The run was cancelled or the step ran out of time: ComfyUI would go on rendering for no one.
            await StopAsync(server, queued.PromptId, context);
            throw;
        }
        if (entry is null)
        {
            await StopAsync(server, queued.PromptId, context);
            throw new StepFailedException($"ComfyUI did not finish prompt {queued.PromptId} within {config.Timeout ?? ComfyUiPromptConfig.DefaultTimeout:c} (the config's timeout); it was interrupted.");
        }
        var status = entry["status"];
        if (Text(status?["status_str"]) == "error")
        {
            throw new StepFailedException(ExecutionError(status), status?.ToJsonString());
        }
        var outputs = new JsonArray();
        foreach (var file in Files(entry))
        {
            outputs.Add(await KeepAsync(server, file, context, ct));
        }
        context.Log(LogLevelName.Information, $"ComfyUI finished prompt {queued.PromptId}; kept {outputs.Count} file(s) as artifacts");
        return StepResult.Done(Output(queued.PromptId, Text(status?["status_str"]) ?? "success", outputs));
    }

    /// <summary>Polls <c>/history/{id}</c> every <c>pollEvery</c> until the entry is complete or failed; null when the timeout passes first.</summary>
    private async Task<JsonObject?> WaitAsync(ComfyUiServer server, string promptId, ComfyUiPromptConfig config, CancellationToken ct)
    {
        var timeout = config.Timeout ?? ComfyUiPromptConfig.DefaultTimeout;
        var started = time.GetUtcNow();
        var failedPolls = 0;
        while (true)
        {
            try
            {
                if (await server.HistoryAsync(promptId, ct) is { } entry
                    && (entry["status"]?["completed"] is JsonValue done && done.TryGetValue<bool>(out var completed) && completed
                        || Text(entry["status"]?["status_str"]) is "success" or "error"))
                {
                    return entry;
                }
                failedPolls = 0;
            }
            catch (StepFailedException e) when (e.Transient && ++failedPolls < MaxFailedPolls)
            {
                // ComfyUI restarting or a network blip: the next poll may find it again.
            }
            if (time.GetUtcNow() - started >= timeout)
            {
                return null;
            }
            await Task.Delay(config.PollEvery ?? ComfyUiPromptConfig.DefaultPollEvery, time, ct);
        }
    }

    /// <summary>Best effort and bounded: the run is ending either way, so a ComfyUI that does not answer is only logged.</summary>
    private static async Task StopAsync(ComfyUiServer server, string promptId, StepContext context)
    {
        using var limit = new CancellationTokenSource(StopLimit);
        try
        {
            await server.StopAsync(promptId, limit.Token);
            context.Log(LogLevelName.Information, $"Interrupted prompt {promptId} on ComfyUI");
        }
        catch (Exception e) when (e is StepFailedException or OperationCanceledException)
        {
            context.Log(LogLevelName.Warning, $"Could not interrupt prompt {promptId} on ComfyUI: {(e is StepFailedException f ? f.Human : "no answer within " + StopLimit.TotalSeconds + " s")}");
        }
    }

    /// <summary>Downloads one output file through <c>/view</c> and keeps it as an artifact of this step.</summary>
    private async Task<JsonObject> KeepAsync(ComfyUiServer server, OutputFile file, StepContext context, CancellationToken ct)
    {
        using var response = await server.ViewAsync(file.Filename, file.Subfolder, file.Type, ct);
        await using var content = await response.Content.ReadAsStreamAsync(ct);
        var contentType = response.Content.Headers.ContentType?.MediaType is { } given && given != "application/octet-stream"
            ? given
            : ContentTypeOf(file.Filename);
        Artifact artifact;
        try
        {
            artifact = await artifacts.SaveAsync(context.ExecutionId, context.StepId, file.Filename, contentType, content, ct);
        }
        catch (ArtifactTooLargeException e)
        {
            throw new StepFailedException($"ComfyUI's output {e.Message}", null, e);
        }
        return new JsonObject
        {
            ["node"] = file.Node,
            ["filename"] = artifact.Name,
            ["type"] = file.Type,
            ["contentType"] = artifact.ContentType,
            ["size"] = artifact.Size,
            ["artifactId"] = artifact.Id.ToString(),
            ["url"] = $"/api/v1/executions/{context.ExecutionId}/artifacts/{artifact.Id}",
        };
    }

    private sealed record OutputFile(string Node, string Filename, string Subfolder, string Type);

    /// <summary>
    /// Every file in the entry's <c>outputs</c>: <c>{ node: { images: [ { filename, subfolder, type } ] } }</c>, and the same shape
    /// under other keys (<c>gifs</c>, <c>audio</c>) that video and audio nodes use.
    /// </summary>
    private static IEnumerable<OutputFile> Files(JsonObject entry)
    {
        foreach (var (node, output) in (entry["outputs"] as JsonObject ?? []).OrderBy(o => o.Key, NodeOrder.Instance))
        {
            foreach (var (_, list) in output as JsonObject ?? [])
            {
                foreach (var item in (list as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (Text(item["filename"]) is { Length: > 0 } filename)
                    {
                        yield return new OutputFile(node, filename, Text(item["subfolder"]) ?? "", Text(item["type"]) ?? "output");
                    }
                }
            }
        }
    }

    /// <summary>ComfyUI's own words from the <c>execution_error</c> (or <c>execution_interrupted</c>) message of a failed prompt.</summary>
    private static string ExecutionError(JsonNode? status)
    {
        foreach (var message in (status?["messages"] as JsonArray ?? []).OfType<JsonArray>())
        {
            var data = message.Count > 1 ? message[1] : null;
            switch (Text(message.FirstOrDefault()))
            {
                case "execution_error":
                    return $"ComfyUI failed at node {Text(data?["node_id"]) ?? "?"} ({Text(data?["node_type"]) ?? "?"}): "
                        + $"{(Text(data?["exception_type"]) is { } type ? type + ": " : "")}{Text(data?["exception_message"])?.Trim() ?? "no message"}";
                case "execution_interrupted":
                    return $"ComfyUI interrupted the prompt at node {Text(data?["node_id"]) ?? "?"} ({Text(data?["node_type"]) ?? "?"}).";
            }
        }
        return "ComfyUI reports the prompt failed, without a message.";
    }

    private static JsonObject Output(string promptId, string status, JsonArray outputs) =>
        new() { ["promptId"] = promptId, ["status"] = status, ["outputs"] = outputs };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The media type of a ComfyUI output by its extension, for a server that answers without one.</summary>
    private static string ContentTypeOf(string filename) => Path.GetExtension(filename).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        ".mp4" => "video/mp4",
        ".webm" => "video/webm",
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        ".flac" => "audio/flac",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    /// <summary>Node ids in ComfyUI's order: numbers by value ("9" before "10"), others after, by text.</summary>
    private sealed class NodeOrder : IComparer<string>
    {
        public static readonly NodeOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var xn = long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var a);
            var yn = long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var b);
            return xn && yn ? a.CompareTo(b) : xn != yn ? (xn ? -1 : 1) : string.CompareOrdinal(x, y);
        }
    }
}

public sealed record ComfyUiPromptConfig : IValidatableConfig
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultPollEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MinPollEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>The <c>comfyui</c> connection.</summary>
    public required string Connection { get; init; }
    /// <summary>ComfyUI's API-format graph (Export (API) in ComfyUI): <c>{ "6": { "class_type": "CLIPTextEncode", "inputs": { … } } }</c>.</summary>
    public required JsonObject Workflow { get; init; }
    /// <summary>Values set at <c>node.inputs.name</c> paths before queueing: <c>{ "6.inputs.text": "${trigger.body.prompt}" }</c>.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Inputs { get; init; }
    /// <summary>True: wait for the render and keep its files. False: queue it and go on (output <c>status: "queued"</c>).</summary>
    public bool Wait { get; init; } = true;
    /// <summary>How long to wait for the render (10 minutes unless set; at most an hour).</summary>
    [DurationRange(3600)]
    public TimeSpan? Timeout { get; init; }
    /// <summary>How often <c>/history/{id}</c> is asked (1 s unless set; from 0.1 s to a minute).</summary>
    [DurationRange(60)]
    public TimeSpan? PollEvery { get; init; }

    /// <summary>A copy of <see cref="Workflow"/> with <see cref="Inputs"/> set.</summary>
    public JsonObject Graph()
    {
        var graph = Workflow.DeepClone().AsObject();
        foreach (var (path, value) in Inputs ?? new Dictionary<string, JsonNode?>())
        {
            if (Locate(graph, path) is ({ } inputs, { } name))
            {
                inputs[name] = value?.DeepClone();
            }
        }
        return graph;
    }

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (string.IsNullOrWhiteSpace(Connection))
        {
            yield return ("connection", "Name a ComfyUI connection.");
        }
        if (Workflow.Count == 0)
        {
            yield return ("workflow", "Paste ComfyUI's API-format graph (Workflow > Export (API) in ComfyUI).");
        }
        foreach (var (id, node) in Workflow)
        {
            if (node is not JsonObject n || n["class_type"] is not JsonValue || n["inputs"] is not JsonObject)
            {
                yield return ("workflow", $"Node '{id}' is not an API-format node with class_type and inputs: export the graph with Export (API).");
            }
        }
        foreach (var path in (Inputs ?? new Dictionary<string, JsonNode?>()).Keys)
        {
            if (Problem(Workflow, path) is { } problem)
            {
                yield return ("inputs", problem);
            }
        }
        if (Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(1)))
        {
            yield return ("timeout", "Between zero and one hour.");
        }
        if (PollEvery is { } every && (every < MinPollEvery || every > TimeSpan.FromMinutes(1)))
        {
            yield return ("pollEvery", "Between 0.1 seconds and one minute.");
        }
    }

    /// <summary>What is wrong with an input path: not <c>node.inputs.name</c>, no such node, or no such input on it.</summary>
    private static string? Problem(JsonObject graph, string path)
    {
        var parts = path.Split('.', 3);
        if (parts.Length != 3 || parts[1] != "inputs" || parts[0].Length == 0 || parts[2].Length == 0)
        {
            return $"'{path}' is not a path of the form node.inputs.name, e.g. 6.inputs.text.";
        }
        if (graph[parts[0]] is not JsonObject node)
        {
            return $"'{path}' names node '{parts[0]}', which the workflow does not have.";
        }
        return node["inputs"] is JsonObject inputs && inputs.ContainsKey(parts[2])
            ? null
            : $"'{path}': node '{parts[0]}' ({(node["class_type"] as JsonValue)?.ToString() ?? "?"}) has no input '{parts[2]}'.";
    }

    private static (JsonObject? Inputs, string? Name) Locate(JsonObject graph, string path)
    {
        var parts = path.Split('.', 3);
        return parts.Length == 3 && graph[parts[0]]?["inputs"] is JsonObject inputs ? (inputs, parts[2]) : (null, null);
    }
}
