using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AutomationDesk.Web.Security;

public static class DeskAuthentication
{
    /// <summary>The default scheme: picks the API key handler when the header is there, else the sign-in cookie.</summary>
    public const string Scheme = "Desk";

    public static Task StatusOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/openapi")
            || path.StartsWithSegments(DeskTelemetry.MetricsPath))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
