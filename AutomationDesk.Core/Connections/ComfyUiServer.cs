using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Connections;

/// <summary>A ComfyUI queued prompt's id and place in the queue, as <c>POST /prompt</c> answers them.</summary>
public sealed record ComfyUiQueued(string PromptId, JsonNode? Number, JsonObject? NodeErrors);

/// <summary>
/// The routes of ComfyUI's server (its <c>server.py</c>) that the <c>comfyui.prompt</c> step uses, through a connection:
/// <c>POST /prompt</c>, <c>GET /history/{id}</c>, <c>GET /view</c>, <c>POST /interrupt</c> and <c>POST /queue</c>.
/// Failures are <see cref="StepFailedException"/>s that say what ComfyUI answered.
/// </summary>
public sealed class ComfyUiServer(ConnectionHttp http, ConnectionSettings settings, int maxJsonBytes)
{
    /// <summary>Queues the graph; a graph ComfyUI refuses (400) fails with its error and each node's errors.</summary>
    public async Task<ComfyUiQueued> QueueAsync(JsonObject prompt, string clientId, CancellationToken ct)
    {
        using var request = ComfyUiConnection.Request(HttpMethod.Post, settings, "/prompt");
        request.Content = JsonContent.Create(new JsonObject { ["prompt"] = prompt, ["client_id"] = clientId });
        using var response = await SendAsync(request, ct);
        var answer = await ReadJsonAsync(response, ct);
        if ((int)response.StatusCode == 400)
        {
            throw new StepFailedException($"ComfyUI refused the graph: {Refusal(answer)}", answer?.ToJsonString());
        }
        EnsureSuccess(response, "POST /prompt", answer);
        return answer?["prompt_id"] is JsonValue id && id.TryGetValue<string>(out var promptId)
            ? new ComfyUiQueued(promptId, answer["number"]?.DeepClone(), answer["node_errors"] as JsonObject)
            : throw new StepFailedException("ComfyUI answered POST /prompt without a prompt_id: is this ComfyUI?", answer?.ToJsonString());
    }

    /// <summary>The prompt's history entry, or null while ComfyUI has none (it is queued or running).</summary>
    public async Task<JsonObject?> HistoryAsync(string promptId, CancellationToken ct)
    {
        using var request = ComfyUiConnection.Request(HttpMethod.Get, settings, $"/history/{Uri.EscapeDataString(promptId)}");
        using var response = await SendAsync(request, ct);
        var answer = await ReadJsonAsync(response, ct);
        EnsureSuccess(response, "GET /history", answer);
        return answer?[promptId] as JsonObject;
    }

    /// <summary>An output file through <c>GET /view</c>; the caller disposes the response and reads its content.</summary>
    public async Task<HttpResponseMessage> ViewAsync(string filename, string subfolder, string type, CancellationToken ct)
    {
        var query = $"/view?filename={Uri.EscapeDataString(filename)}&subfolder={Uri.EscapeDataString(subfolder)}&type={Uri.EscapeDataString(type)}";
        using var request = ComfyUiConnection.Request(HttpMethod.Get, settings, query);
        var response = await SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                EnsureSuccess(response, $"GET /view of {filename}", null);
            }
        }
        return response;
    }

    /// <summary>
    /// Stops the prompt: interrupts it if it runs (<c>POST /interrupt</c> with its <c>prompt_id</c>; a ComfyUI older than the
    /// targeted interrupt stops whatever it is running) and drops it from the queue if it has not started
    /// (<c>POST /queue</c> with <c>delete</c>).
    /// </summary>
    public async Task StopAsync(string promptId, CancellationToken ct)
    {
        using (var interrupt = ComfyUiConnection.Request(HttpMethod.Post, settings, "/interrupt"))
        {
            interrupt.Content = JsonContent.Create(new JsonObject { ["prompt_id"] = promptId });
            using var interrupted = await SendAsync(interrupt, ct);
        }
        using var dequeue = ComfyUiConnection.Request(HttpMethod.Post, settings, "/queue");
        dequeue.Content = JsonContent.Create(new JsonObject { ["delete"] = new JsonArray(promptId) });
        using var dequeued = await SendAsync(dequeue, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, settings, ct);
        }
        catch (HttpRequestException e)
        {
            throw new StepFailedException($"Could not reach ComfyUI at {settings.BaseUrl(ComfyUiConnection.BaseUrlField)}: {e.Message}", null, e)
            {
                Transient = !NetworkGuard.IsRefusal(e),
            };
        }
    }

    private async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(maxJsonBytes, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is null)
        {
            throw new StepFailedException($"ComfyUI's answer is over the limit of {maxJsonBytes} bytes (Http:MaxResponseBytes).", null, e);
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text.Length > 500 ? text[..500] + "…" : text);
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string call, JsonNode? answer)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var hint = status is 401 or 403 ? " Check the connection's bearer token." : "";
        throw new StepFailedException($"ComfyUI answered {call} with {status} {response.ReasonPhrase}.{hint}", $"HTTP {status}: {answer?.ToJsonString()}")
        {
            Transient = status is 408 or 429 or >= 500,
            RetryAfter = response.Headers.RetryAfter?.Delta,
        };
    }

    /// <summary>
    /// "Prompt outputs failed validation — node 6 (CLIPTextEncode): Required input is missing: clip" from a 400's
    /// <c>error</c> (<c>{ type, message, details }</c>) and <c>node_errors</c> (<c>{ id: { errors: [ { message, details } ], class_type } }</c>).
    /// </summary>
    private static string Refusal(JsonNode? answer)
    {
        var error = answer?["error"];
        var message = error is JsonObject e ? Text(e["message"]) ?? Text(e["type"]) ?? e.ToJsonString() : Text(error) ?? "no reason given";
        var nodes = (answer?["node_errors"] as JsonObject ?? []).Select(node =>
        {
            var errors = (node.Value?["errors"] as JsonArray ?? []).Select(x => string.Join(": ", new[] { Text(x?["message"]), Text(x?["details"]) }
                .Where(t => !string.IsNullOrEmpty(t))));
            return $"node {node.Key} ({Text(node.Value?["class_type"]) ?? "?"}): {string.Join("; ", errors)}";
        }).ToList();
        return nodes.Count == 0 ? message : $"{message} — {string.Join(" | ", nodes)}";
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
