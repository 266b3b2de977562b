namespace AutomationDesk.Core.Connections;

/// <summary>
/// Sends a request with a connection's credentials through <see cref="ConnectionHttp"/> (the network guard applies; the
/// connection's own host is allowed when it says so). An OAuth2 connection whose token the service refuses (401) gets a
/// new token and the request is sent once more.
/// </summary>
public sealed class HttpConnectionClient(ConnectionHttp http, OAuth2Tokens tokens)
{
    /// <summary>Puts the access's credentials and fixed headers on <paramref name="request"/>.</summary>
    public async ValueTask AuthorizeAsync(HttpRequestMessage request, ConnectionSettings settings, HttpAccess access, bool renew, CancellationToken ct)
    {
        foreach (var (name, value) in access.Headers)
        {
            request.Headers.Remove(name);
            Steps.OutgoingHeaders.Add(request, name, value);
        }
        await access.Auth.ApplyAsync(request, settings, tokens, renew, ct);
    }

    /// <summary>Sends the request <paramref name="create"/> makes (a new one for a second try) with the connection's credentials.</summary>
    public async Task<HttpResponseMessage> SendAsync(ConnectionSettings settings, HttpAccess access, Func<HttpRequestMessage> create, CancellationToken ct)
    {
        var response = await SendOnceAsync(settings, access, create, renew: false, ct);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && access.Auth.Renews)
        {
            response.Dispose();
            response = await SendOnceAsync(settings, access, create, renew: true, ct);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(ConnectionSettings settings, HttpAccess access, Func<HttpRequestMessage> create, bool renew, CancellationToken ct)
    {
        using var request = create();
        await AuthorizeAsync(request, settings, access, renew, ct);
        return await http.SendAsync(request, settings, ct);
    }
}
