using AutomationDesk.Core.Settings;

namespace AutomationDesk.Web.Api;

/// <summary>
/// Absolute addresses shown to people and returned by the API. Behind a proxy the desk cannot tell from a request
/// where senders reach it, so the setting <c>desk.publicBaseUrl</c> wins; without it, the address the request (or the
/// page) came in on is used.
/// </summary>
public static class PublicUrls
{
    /// <summary>The base to build on, without a trailing slash: the setting, else <paramref name="seenBase"/>.</summary>
    public static async Task<string> BaseAsync(DeskSettings settings, string seenBase, CancellationToken ct) =>
        ((await settings.PublicBaseUrlAsync(ct))?.ToString() ?? seenBase).TrimEnd('/');

    /// <summary>The base a request came in on: its scheme, host and path base.</summary>
    public static string RequestBase(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>The receiver of a workflow's webhook, with its token in the path.</summary>
    public static Uri Webhook(string baseUrl, Guid workflowId, string token) => new($"{baseUrl}/api/webhooks/{workflowId}/{token}");

    /// <summary>An address under the base for a desk path such as <c>/api/webhooks/inbox/github</c>.</summary>
    public static string Under(string baseUrl, string path) => $"{baseUrl}/{path.TrimStart('/')}";
}
