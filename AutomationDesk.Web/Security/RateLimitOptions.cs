using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Web.Security;

/// <summary>
/// How many requests one client address may make per minute: settings under <c>RateLimits</c>. 0 turns a limit off.
/// The address is the connection's own: <c>X-Forwarded-For</c> is not trusted unless the host is set up to (behind a
/// reverse proxy, set <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>), so a client cannot pick a fresh address per request.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in form submissions (<c>POST /account/login</c>) per address per minute.</summary>
    [Range(0, int.MaxValue)]
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>Requests to the webhook receivers (<c>/api/webhooks/...</c>) per address per minute.</summary>
    [Range(0, int.MaxValue)]
    public int WebhooksPerMinute { get; set; } = 120;
}
