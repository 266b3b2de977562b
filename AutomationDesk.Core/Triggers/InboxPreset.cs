namespace AutomationDesk.Core.Triggers;

/// <summary>How a kind of sender signs its requests and says what happened: the defaults a new inbox source starts from.</summary>
public sealed record InboxPreset(
    string Name, string Label, string SignatureScheme, string? SignatureHeader, string? EventTypeHeader, string? EventTypePath, string? DedupHeader = null)
{
    /// <summary>
    /// GitHub signs the body with HMAC-SHA256 (<c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>), names the event in
    /// <c>X-GitHub-Event</c> and each delivery in <c>X-GitHub-Delivery</c> (the same id when a delivery is redelivered).
    /// </summary>
    public static readonly InboxPreset GitHub = new("github", "GitHub", InboxSchemes.HmacSha256, "X-Hub-Signature-256", "X-GitHub-Event", null, "X-GitHub-Delivery");

    /// <summary>
    /// n8n has no signing of its own: an n8n workflow posts with an HTTP Request node, computes
    /// <c>sha256=&lt;hex HMAC of the body&gt;</c> with a Crypto node into the <c>X-Signature-256</c> header, and sends a JSON
    /// body such as <c>{ "event": "order.created", "data": { … } }</c>, so the event type is read from <c>event</c>.
    /// </summary>
    public static readonly InboxPreset N8n = new("n8n", "n8n", InboxSchemes.HmacSha256, "X-Signature-256", null, "event");

    /// <summary>
    /// ComfyUI sends no webhooks of its own: a custom node or a script beside it posts each message of ComfyUI's
    /// websocket (<c>{ "type": "executed" | "execution_success" | "execution_error" | …, "data": { "prompt_id", … } }</c>)
    /// or a finished history entry wrapped the same way, signed like n8n (<c>X-Signature-256: sha256=&lt;hex&gt;</c>), so the
    /// event type is read from <c>type</c>.
    /// </summary>
    public static readonly InboxPreset ComfyUi = new("comfyui", "ComfyUI", InboxSchemes.HmacSha256, "X-Signature-256", null, "type");

    /// <summary>Any other sender: signed like n8n when a secret is set; the event type is <c>custom</c> unless a header or path is set.</summary>
    public static readonly InboxPreset Custom = new("custom", "Custom", InboxSchemes.HmacSha256, "X-Signature-256", null, null);

    public static readonly IReadOnlyList<InboxPreset> All = [GitHub, N8n, ComfyUi, Custom];

    public static InboxPreset? Find(string? name) => All.FirstOrDefault(p => p.Name == name);
}

/// <summary>The signature schemes an inbox source can ask for.</summary>
public static class InboxSchemes
{
    public const string HmacSha256 = "hmac-sha256";
    public const string Stripe = "stripe";
    public const string StandardWebhooks = "standard-webhooks";
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [HmacSha256, Stripe, StandardWebhooks, None];
}
