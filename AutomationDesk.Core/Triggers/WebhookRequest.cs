using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// A request to a webhook receiver as the desk keeps it: method, content type, headers (names in lower case, credential
/// values masked by <see cref="CredentialHeaders"/>), query and the raw body. It becomes a run's trigger input
/// <c>{ body, headers, query, method }</c> and is stored as a <see cref="WebhookEvent"/>, from which it can be read back
/// for a replay.
/// </summary>
public sealed record WebhookRequest(
    string Method, string? ContentType, IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, IReadOnlyList<string>> Query, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>SHA-256 of the body (hex): the same idempotency key with another body is a conflict.</summary>
    public string BodyHash => Convert.ToHexStringLower(SHA256.HashData(Body));

    public bool IsJson => ContentType is { } type
        && (MediaType(type) is "application/json" || MediaType(type).EndsWith("+json", StringComparison.Ordinal));

    public bool IsForm => ContentType is { } type && MediaType(type) == "application/x-www-form-urlencoded";

    public string? Header(string name) =>
        Headers.TryGetValue(name, out var value) ? value : Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// The body as trigger input: JSON for a JSON content type, an object of fields for a form post, else text; an
    /// empty body is null. False with the parser's message when a JSON body is malformed.
    /// </summary>
    public bool TryReadBody(out JsonNode? body, out string error)
    {
        (body, error) = (null, "");
        if (Body.Length == 0)
        {
            return true;
        }
        if (IsJson)
        {
            try
            {
                body = IncomingJson.Parse(Body);
                return true;
            }
            catch (JsonException e)
            {
                error = $"The body is sent as {ContentType} but is not valid JSON: {e.Message}";
                return false;
            }
        }
        if (IsForm)
        {
            var fields = HttpUtility.ParseQueryString(BodyText);
            body = new JsonObject(fields.AllKeys.Where(k => k is not null).Select(k => KeyValuePair.Create(k!, Values(fields.GetValues(k) ?? []))));
            return true;
        }
        body = JsonValue.Create(BodyText);
        return true;
    }

    /// <summary>The run's trigger input, <c>{ body, headers, query, method }</c>, with the body read by <see cref="TryReadBody"/>.</summary>
    public JsonObject TriggerInput(JsonNode? body) => new()
    {
        ["body"] = body,
        ["headers"] = HeadersJson(),
        ["query"] = QueryJson(),
        ["method"] = Method,
    };

    /// <summary>Whether <paramref name="spec"/> names a key: <c>header:Name</c>, or a body path (<c>body:id</c>, <c>body.id</c>).</summary>
    public static bool IsKeySpec(string spec)
    {
        if (spec.StartsWith("header:", StringComparison.OrdinalIgnoreCase))
        {
            var name = spec["header:".Length..].Trim();
            return name.Length > 0 && !name.Any(char.IsWhiteSpace);
        }
        var path = spec.StartsWith("body:", StringComparison.OrdinalIgnoreCase) ? "body." + spec["body:".Length..].Trim() : spec.Trim();
        try
        {
            return path.StartsWith("body.", StringComparison.Ordinal) && TemplatePath.Parse(path).Segments.Count > 1;
        }
        catch (TemplateException)
        {
            return false;
        }
    }

    /// <summary>
    /// The idempotency key the workflow names: <c>header:Name</c>, or a path in the body (<c>body:id</c>, <c>body.id</c>).
    /// Null when the request does not carry it. Keys longer than the stored column are kept as their SHA-256.
    /// </summary>
    public string? IdempotencyKey(string spec, JsonNode? body)
    {
        string? key;
        if (spec.StartsWith("header:", StringComparison.OrdinalIgnoreCase))
        {
            key = Header(spec["header:".Length..].Trim());
        }
        else
        {
            var path = spec.StartsWith("body:", StringComparison.OrdinalIgnoreCase) ? "body." + spec["body:".Length..].Trim() : spec.Trim();
            key = TemplateResolver.TryLookup(TemplatePath.Parse(path), new JsonObject { ["body"] = body?.DeepClone() }, out var value, out _)
                && value is not null ? TemplateResolver.AsText(value) : null;
        }
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }
        return key.Length <= 256 ? key : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The request as a webhook event; the body is kept unless <paramref name="keepBody"/> is false (over the limit).</summary>
    public WebhookEvent ToEvent(DateTimeOffset receivedAt, bool keepBody, long bodyBytes) => new()
    {
        Id = Guid.CreateVersion7(receivedAt),
        ReceivedAt = receivedAt,
        Method = Method.Length <= 16 ? Method : Method[..16],
        ContentType = ContentType is { Length: > 200 } type ? type[..200] : ContentType,
        HeadersJson = HeadersJson().ToJsonString(),
        QueryJson = QueryJson().ToJsonString(),
        Body = keepBody ? BodyText : null,
        BodyBytes = bodyBytes,
    };

    /// <summary>A stored event read back as the request it was (null when its body was not kept).</summary>
    public static WebhookRequest? FromEvent(WebhookEvent stored)
    {
        if (stored.Body is null)
        {
            return null;
        }
        var headers = (JsonNode.Parse(stored.HeadersJson) as JsonObject ?? [])
            .ToDictionary(h => h.Key, h => TemplateResolver.AsText(h.Value), StringComparer.OrdinalIgnoreCase);
        var query = (JsonNode.Parse(stored.QueryJson) as JsonObject ?? []).ToDictionary(
            q => q.Key,
            q => q.Value is JsonArray many ? many.Select(TemplateResolver.AsText).ToList() : (IReadOnlyList<string>)[TemplateResolver.AsText(q.Value)],
            StringComparer.Ordinal);
        return new WebhookRequest(stored.Method, stored.ContentType, headers, query, Encoding.UTF8.GetBytes(stored.Body));
    }

    /// <summary>The headers as kept: names in lower case, credential values masked (a stored event read back is masked already).</summary>
    private JsonObject HeadersJson() => new(Headers
        .Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)CredentialHeaders.Masked(h.Key, h.Value)))
        .DistinctBy(h => h.Key));

    private JsonObject QueryJson() => new(Query.Select(q => KeyValuePair.Create(q.Key, Values(q.Value))));

    private static JsonNode? Values(IReadOnlyList<string> values) =>
        values.Count == 1 ? JsonValue.Create(values[0]) : new JsonArray(values.Select(v => (JsonNode?)v).ToArray());

    private static string MediaType(string contentType) => contentType.Split(';')[0].Trim().ToLowerInvariant();
}
