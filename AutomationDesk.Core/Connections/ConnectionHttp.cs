using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// HTTP for connection types and the steps that use them: the guarded client of steps (its own pool, so a socket
/// opened to a host an Admin allowed on a connection is not handed to a plain <c>http.request</c>), with the
/// connection's own host allowed when the connection says so. Redirects are not followed.
/// </summary>
public sealed class ConnectionHttp(IHttpClientFactory clients)
{
    public const string ClientName = "connections";

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, ConnectionSettings settings, CancellationToken ct)
    {
        Trust(request, settings);
        return await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>
    /// Marks the request's authority as allowed when the connection allows its private network and the request goes
    /// to the connection's own address: its <c>baseUrl</c>, or a secret that is a URL (a webhook). Any other host the
    /// connection names (an OAuth2 token URL) is judged by the guard as usual.
    /// </summary>
    public static void Trust(HttpRequestMessage request, ConnectionSettings settings)
    {
        if (settings.AllowPrivateNetwork && request.RequestUri is { IsAbsoluteUri: true } uri && OwnAuthorities(settings).Contains(Authority(uri)))
        {
            request.Options.Set(NetworkGuard.TrustedAuthority, Authority(uri));
        }
    }

    /// <summary><c>host:port</c> as the connect callback sees it (IDN host, IPv6 without brackets).</summary>
    public static string Authority(Uri uri) => $"{uri.IdnHost.Trim('[', ']')}:{uri.Port}";

    private static HashSet<string> OwnAuthorities(ConnectionSettings settings)
    {
        var urls = settings.Secrets.Values.Append(settings.Text("baseUrl"));
        return urls.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var own) && own.Scheme is "http" or "https" ? Authority(own) : null)
            .OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
