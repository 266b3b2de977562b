using AutomationDesk.Core.Security;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// One request to a webhook receiver, accepted or refused, kept as it came so a person can see why it was refused
/// and replay it. Workflow webhooks set <see cref="WorkflowId"/>; inbox requests set <see cref="InboxSource"/>.
/// </summary>
public sealed class WebhookEvent
{
    public Guid Id { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public Guid? WorkflowId { get; set; }
    public string? InboxSource { get; set; }
    /// <summary>The inbox event type (<c>X-GitHub-Event</c>, a JSON path's value or <c>custom</c>).</summary>
    public string? EventType { get; set; }
    public string Method { get; set; } = "POST";
    public string? ContentType { get; set; }
    public string QueryJson { get; set; } = "{}";
    public string HeadersJson { get; set; } = "{}";
    /// <summary>The raw body as text; null when it was over the limit or the request named no enabled webhook or source.</summary>
    public string? Body { get; set; }
    public long BodyBytes { get; set; }
    /// <summary>The HTTP status the receiver answered.</summary>
    public int StatusCode { get; set; }
    /// <summary><see cref="WebhookEventStatuses"/>.</summary>
    public string Status { get; set; } = WebhookEventStatuses.Accepted;
    public string? Reason { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>The runs this request started (one for a workflow webhook, any number for an inbox event).</summary>
    public List<Guid> ExecutionIds { get; set; } = [];
    /// <summary>The runs a person started by replaying this request, oldest first.</summary>
    public List<Guid> ReplayExecutionIds { get; set; } = [];

    /// <summary>Why the body is missing (over the limit, or a refused request to no one), or null when it was kept.</summary>
    /// <summary>How much of a header or query value is kept of a request that reached no workflow or source.</summary>
    public const int OutlineValueLength = 200;

    /// <summary>How many headers and query fields are kept of such a request.</summary>
    public const int OutlineEntries = 50;

    /// <summary>
    /// For a request that reached no enabled workflow or source: anyone can send one, and there is nobody to replay it to,
    /// so only its outline is kept: no body, at most <see cref="OutlineEntries"/> headers and query fields, each value cut
    /// to <see cref="OutlineValueLength"/> characters. A stranger cannot grow the database by sending large requests.
    /// </summary>
    public void KeepOnlyTheOutline()
    {
        Body = null;
        HeadersJson = Outline(HeadersJson);
        QueryJson = Outline(QueryJson);
    }

    private static string Outline(string json)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(json) is not System.Text.Json.Nodes.JsonObject fields)
        {
            return "{}";
        }
        var kept = fields.Take(OutlineEntries).Select(f => KeyValuePair.Create(Cut(f.Key), (System.Text.Json.Nodes.JsonNode?)Cut(f.Value?.ToString() ?? "")));
        return new System.Text.Json.Nodes.JsonObject(kept.DistinctBy(f => f.Key)).ToJsonString();
    }

    private static string Cut(string text) => text.Length <= OutlineValueLength ? text : text[..OutlineValueLength] + "…";

    /// <summary>Replaces the desk's secret values wherever a sender put them: headers, query and body.</summary>
    public void MaskSecrets(SecretMasker masker)
    {
        HeadersJson = masker.Apply(HeadersJson)!;
        QueryJson = masker.Apply(QueryJson)!;
        Body = masker.Apply(Body);
    }

    public static string? MissingBodyNote(string? body, int statusCode, string status) => body is not null ? null
        : statusCode == 413 ? "Body not kept: the body was over the limit."
        : status == WebhookEventStatuses.Refused ? "Body not kept: the request was refused."
        : "Body not kept.";
}

public static class WebhookEventStatuses
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Refused = "refused";
}
