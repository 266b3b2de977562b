using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Triggers;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Calls an n8n workflow through its Webhook node: <c>{baseUrl}/webhook/{webhookPath}</c> of an <c>n8n</c> connection, or a
/// full URL. With the connection's signing secret the exact body bytes are signed as <c>X-Signature-256: sha256=&lt;hex&gt;</c>,
/// the scheme the desk's own inbox checks for n8n, so one n8n check works both ways. The output is n8n's answer.
/// </summary>
[StepType("n8n.workflow", Label = "n8n workflow", Category = StepCategory.Integrations, Summary = "Starts an n8n workflow through its webhook and returns its answer.", HasSideEffects = true)]
public sealed class N8nWorkflowStep(ConnectionStore connections, ConnectionHttp http, IOptions<HttpStepOptions> options, TimeProvider time) : IStep<N8nWorkflowConfig>
{
    public async Task<StepResult> ExecuteAsync(N8nWorkflowConfig config, StepContext context, CancellationToken ct)
    {
        var settings = await SettingsAsync(config, connections, ct);
        var url = Target(config, settings);
        var method = new HttpMethod(config.Method.ToUpperInvariant());
        var target = $"{method} {url}";
        using var request = new HttpRequestMessage(method, url);
        var body = Body(config.Body);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body.Value.Bytes);
            request.Content.Headers.ContentType = body.Value.Type;
        }
        foreach (var (name, value) in config.Headers ?? new Dictionary<string, string>())
        {
            OutgoingHeaders.Add(request, name, value);
        }
        request.Headers.Remove(OutgoingRequest.IdempotencyHeader);
        request.Headers.TryAddWithoutValidation(OutgoingRequest.IdempotencyHeader, context.IdempotencyKey);
        if (settings.Secret(N8nConnection.SigningSecretField) is { } secret)
        {
            request.Headers.Remove(WebhookSignatures.DefaultHmacHeader);
            request.Headers.TryAddWithoutValidation(WebhookSignatures.DefaultHmacHeader, WebhookSignatures.HmacHeaderValue(secret, body?.Bytes ?? []));
        }
        var timeout = config.Timeout ?? options.Value.DefaultTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        context.Log(LogLevelName.Information, $"{target}{(body is null ? "" : $" ({body.Value.Bytes.Length} bytes{(settings.Secret(N8nConnection.SigningSecretField) is null ? "" : ", signed")})")}");
        try
        {
            using var response = await http.SendAsync(request, settings, limit.Token);
            var status = (int)response.StatusCode;
            // wait: false takes any 2xx as soon as its headers arrive, without waiting for the body.
            var answer = config.Wait || !response.IsSuccessStatusCode
                ? await ResponseBody.ReadAsync(response, options.Value.MaxResponseBytes, "n8n's answer", limit.Token)
                : null;
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(target, response, answer);
            }
            context.Log(LogLevelName.Information, $"n8n answered {status}{(config.Wait ? "" : " (not waiting for its answer)")}");
            return StepResult.Done(new JsonObject { ["status"] = status, ["body"] = answer });
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new StepFailedException($"{target} did not answer within {timeout:c}.", null, e) { Transient = true };
        }
        catch (HttpRequestException e)
        {
            throw new StepFailedException($"Could not reach n8n at {url}: {e.Message}", null, e) { Transient = !NetworkGuard.IsRefusal(e) };
        }
    }

    /// <summary>The named <c>n8n</c> connection, or, for a plain URL without one, settings that sign nothing and trust nothing.</summary>
    private static async Task<ConnectionSettings> SettingsAsync(N8nWorkflowConfig config, ConnectionStore connections, CancellationToken ct)
    {
        if (config.Connection is not { Length: > 0 } name)
        {
            return new ConnectionSettings("", "n8n", [], new Dictionary<string, string>());
        }
        var settings = await connections.ResolveAsync(name, ct)
            ?? throw new StepFailedException($"There is no connection named '{name}': add it under Connections, or name another.");
        return settings.Type == "n8n"
            ? settings
            : throw new StepFailedException($"The connection '{name}' is a {settings.Type} connection; this step needs an n8n connection.");
    }

    /// <summary>
    /// <c>{baseUrl}/webhook/{webhookPath}</c>, or the full URL, which must be on the connection's origin when a connection
    /// is named: its signing secret and its private-network allowance are for its own host only.
    /// </summary>
    private static Uri Target(N8nWorkflowConfig config, ConnectionSettings settings)
    {
        var baseUrl = settings.BaseUrl(N8nConnection.BaseUrlField);
        if (config.WebhookPath is { Length: > 0 } path)
        {
            if (baseUrl is null)
            {
                throw new StepFailedException($"The connection '{settings.Name}' has no base URL to join the webhook path '{path}' to.");
            }
            var escaped = string.Join('/', path.Trim('/').Split('/').Select(Uri.EscapeDataString));
            return new Uri($"{baseUrl}/webhook/{escaped}");
        }
        var url = new Uri(config.Url!);
        if (baseUrl is not null && Uri.Compare(url, new Uri(baseUrl), UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new StepFailedException(
                $"The URL {url.GetLeftPart(UriPartial.Authority)} is not on the connection '{settings.Name}' ({new Uri(baseUrl).GetLeftPart(UriPartial.Authority)}): the connection's secret is only sent to its own server. Use webhookPath, or a URL on that server.");
        }
        return url;
    }

    /// <summary>The body's exact bytes (what is signed is what is sent): JSON as JSON, a string as text.</summary>
    private static (byte[] Bytes, MediaTypeHeaderValue Type)? Body(JsonNode? body) => body switch
    {
        null => null,
        JsonValue text when text.GetValueKind() == JsonValueKind.String =>
            (Encoding.UTF8.GetBytes(text.GetValue<string>()), new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" }),
        _ => (Encoding.UTF8.GetBytes(body.ToJsonString(Plain)), new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }),
    };

    /// <summary>Text as UTF-8, the way n8n's own JSON.stringify writes it, rather than \u escapes.</summary>
    private static readonly JsonSerializerOptions Plain = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private StepFailedException Failure(string target, HttpResponseMessage response, JsonNode? answer)
    {
        var status = (int)response.StatusCode;
        var text = answer is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : answer?.ToJsonString() ?? "";
        var hint = status == 404 ? " n8n answers 404 for a webhook path it does not know or a workflow that is not active." : "";
        return new StepFailedException($"{target} answered {status} {response.ReasonPhrase}.{hint}", $"HTTP {status}: {(text.Length > 500 ? text[..500] + "…" : text)}")
        {
            Transient = status is 408 or 429 or >= 500,
            // Retry-After is seconds or an HTTP date.
            RetryAfter = response.Headers.RetryAfter is { Date: { } date } ? (date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero) : response.Headers.RetryAfter?.Delta,
        };
    }
}

public sealed record N8nWorkflowConfig : IValidatableConfig
{
    public static readonly IReadOnlyList<string> Methods = ["POST", "GET", "PUT", "PATCH", "DELETE", "HEAD"];

    /// <summary>The <c>n8n</c> connection: its base URL, and its signing secret when it has one.</summary>
    public string? Connection { get; init; }
    /// <summary>The Webhook node's path: called at <c>{baseUrl}/webhook/{webhookPath}</c>.</summary>
    public string? WebhookPath { get; init; }
    /// <summary>Or a full URL (a test webhook, <c>/webhook-test/…</c>, or an n8n without a connection).</summary>
    public string? Url { get; init; }
    public string Method { get; init; } = "POST";
    /// <summary>A JSON value is sent as JSON; a string as text.</summary>
    public JsonNode? Body { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    /// <summary>True: the output is n8n's answer. False: any 2xx is taken at once, without reading the answer.</summary>
    public bool Wait { get; init; } = true;
    [DurationRange(10 * 60)]
    public TimeSpan? Timeout { get; init; }

    public IEnumerable<(string Field, string Message)> Validate()
    {
        var hasPath = !string.IsNullOrWhiteSpace(WebhookPath);
        var hasUrl = !string.IsNullOrWhiteSpace(Url);
        if (hasPath == hasUrl)
        {
            yield return (hasPath ? "url" : "webhookPath", "Give either 'webhookPath' (with a connection) or 'url'.");
        }
        if (hasPath && string.IsNullOrWhiteSpace(Connection))
        {
            yield return ("connection", "A webhook path needs an n8n connection for its base URL.");
        }
        if (hasPath && WebhookPath!.Split('/').Any(segment => segment is "." or ".."))
        {
            yield return ("webhookPath", "The path may not hold '.' or '..' segments.");
        }
        if (hasUrl && (OutgoingHeaders.UrlRefusal(Url!) is not null || !Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return ("url", $"'{Url}' is not an absolute http or https URL.");
        }
        if (!Methods.Contains(Method.ToUpperInvariant()))
        {
            yield return ("method", $"Must be one of {string.Join(", ", Methods)}.");
        }
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            if (OutgoingHeaders.Refusal(name, value) is { } refusal)
            {
                yield return ("headers", refusal);
            }
        }
    }
}
