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

    /// <summary>Marks the request's own authority as allowed when the connection allows its private network.</summary>
    public static void Trust(HttpRequestMessage request, ConnectionSettings settings)
    {
        if (settings.AllowPrivateNetwork && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            request.Options.Set(NetworkGuard.TrustedAuthority, $"{uri.Host}:{uri.Port}");
        }
    }
}
