namespace AutomationDesk.Web.Security;

/// <summary>Settings under <c>Security</c> for the same-origin check of cookie-authenticated writes.</summary>
public sealed class SameOriginOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Further origins (<c>https://desk.example.com</c>) the browser may send requests from, beside the address the request
    /// itself arrived at. Needed only behind a reverse proxy that changes the host or scheme without forwarding them.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
