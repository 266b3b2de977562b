namespace AutomationDesk.Core.Telemetry;

/// <summary>The <c>outcome</c> label of <c>desk_webhook_requests_total</c>: a few fixed words, read from the status answered.</summary>
public static class WebhookOutcomes
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string NotFound = "not_found";
    public const string Unauthorized = "unauthorized";
    public const string TooLarge = "too_large";
    public const string Conflict = "conflict";
    public const string Malformed = "malformed";
    public const string Refused = "refused";

    /// <summary>The outcome of a receiver's answer: 2xx is accepted (or a duplicate), each refusal by its status code.</summary>
    public static string Of(int statusCode, bool duplicate) => statusCode switch
    {
        < 400 when duplicate => Duplicate,
        < 400 => Accepted,
        404 => NotFound,
        401 or 403 => Unauthorized,
        413 => TooLarge,
        409 => Conflict,
        400 => Malformed,
        _ => Refused,
    };
}
