using AutomationDesk.Web.Hubs;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Web.Security;

/// <summary>
/// Refuses, with 403 and a problem body, a cookie-authenticated write that a browser sent from another site: a POST,
/// PUT, PATCH or DELETE under <c>/api/v1</c>, sign-out, and every request to the live channel (<c>/hubs/desk</c>, whose
/// WebSocket is not covered by the browser's CORS rules). The browser says where a request comes from in
/// <c>Origin</c> (must be the desk's own scheme and host) or, failing that, in <c>Sec-Fetch-Site</c> (must be
/// <c>same-origin</c> or <c>none</c>). A request with neither header is not from a browser page and passes. Calls with
/// an <c>X-Api-Key</c> are scripts, not browsers carrying a cookie, and are not checked.
/// </summary>
public sealed class SameOriginCheck(RequestDelegate next, IOptions<SameOriginOptions> options)
{
    public const string SignOutPath = "/account/logout";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!Applies(request) || Refusal(request) is not { } reason)
        {
            return next(context);
        }
        return TypedResults.Problem(title: "Cross-origin request refused", detail: reason, statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
    }

    private static bool Applies(HttpRequest request)
    {
        if (request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
        {
            return false;
        }
        if (request.Path.StartsWithSegments(DeskHub.Route))
        {
            return true;
        }
        var write = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method));
        return write && (request.Path.StartsWithSegments("/api/v1") || request.Path.StartsWithSegments(SignOutPath));
    }

    private string? Refusal(HttpRequest request)
    {
        var self = $"{request.Scheme}://{request.Host}";
        var origin = request.Headers.Origin.ToString();
        var allowed = origin.Length > 0 && options.Value.AllowedOrigins.Any(a => string.Equals(origin, a.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
        // A browser that sends Sec-Fetch-Site says itself whether the page is the desk's own, and a page cannot forge it.
        // It decides when present: behind a proxy that rewrites the host or ends TLS, Origin and the desk's own view of
        // its address differ although the page is the desk's.
        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site)
        {
            return site is "same-origin" or "none" || allowed
                ? null
                : $"The browser says the request comes from another site (Sec-Fetch-Site: {Shorten(site)}). "
                    + "Signed-in writes and the live channel only take requests from the desk's own pages; scripts use an X-Api-Key.";
        }
        if (origin.Length > 0)
        {
            return string.Equals(origin, self, StringComparison.OrdinalIgnoreCase) || allowed
                ? null
                : $"The request comes from the page of another site ({Shorten(origin)}), not from this desk ({self}). "
                    + "Signed-in writes and the live channel only take requests from the desk's own pages; scripts use an X-Api-Key.";
        }
        return null;
    }

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
