using System.Net.Http.Headers;
using System.Text;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// How a connection's credentials go on a request: the one place presets, the <c>http</c> type and <c>http.request</c>
/// apply them. A value is built from a connection's settings (<see cref="IHttpConnectionType.AccessOf"/>) for one call
/// and holds clear credentials, so it is never written anywhere: <see cref="ToString"/> names the scheme only.
/// </summary>
public abstract record HttpAuth
{
    public static HttpAuth None { get; } = new NoCredentials();

    /// <summary>Whether a 401 may be cured by fetching a new token (OAuth2): the call is then sent once more.</summary>
    public virtual bool Renews => false;

    /// <summary>Puts the credentials on <paramref name="request"/>; <paramref name="renew"/> asks for a new token after a 401.</summary>
    public abstract ValueTask ApplyAsync(HttpRequestMessage request, ConnectionSettings settings, OAuth2Tokens tokens, bool renew, CancellationToken ct);

    public sealed override string ToString() => GetType().Name;

    public sealed record NoCredentials : HttpAuth
    {
        public override ValueTask ApplyAsync(HttpRequestMessage request, ConnectionSettings settings, OAuth2Tokens tokens, bool renew, CancellationToken ct) =>
            ValueTask.CompletedTask;
    }

    /// <summary><c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750).</summary>
    public sealed record Bearer(string Token) : HttpAuth
    {
        public override ValueTask ApplyAsync(HttpRequestMessage request, ConnectionSettings settings, OAuth2Tokens tokens, bool renew, CancellationToken ct)
        {
            OutgoingHeaders.Add(request, "Authorization", $"Bearer {Token}");
            return ValueTask.CompletedTask;
        }
    }

    /// <summary><c>Authorization: Basic base64(user:password)</c> (RFC 7617), UTF-8.</summary>
    public sealed record Basic(string UserName, string Password) : HttpAuth
    {
        public override ValueTask ApplyAsync(HttpRequestMessage request, ConnectionSettings settings, OAuth2Tokens tokens, bool renew, CancellationToken ct)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{Password}")));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A header of the service's own (<c>PRIVATE-TOKEN</c>, <c>X-API-Key</c>, or <c>Authorization</c> with its own prefix).</summary>
    public sealed record Header(string Name, string Value) : HttpAuth
    {
        public override ValueTask ApplyAsync(HttpRequestMessage request, ConnectionSettings settings, OAuth2Tokens tokens, bool renew, CancellationToken ct)
        {
            request.Headers.Remove(Name);
            OutgoingHeaders.Add(request, Name, Value);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A query parameter (<c>?api_key=…</c>), added to the URL as it is sent.</summary>
    public sealed record Query(string Name, string Value) : HttpAuth
    {
        public override ValueTask ApplyAsync(HttpRequestMessage request, ConnectionSettings settings, OAuth2Tokens tokens, bool renew, CancellationToken ct)
        {
            var builder = new UriBuilder(request.RequestUri!);
            var pair = $"{Uri.EscapeDataString(Name)}={Uri.EscapeDataString(Value)}";
            builder.Query = string.IsNullOrEmpty(builder.Query) ? pair : builder.Query.TrimStart('?') + "&" + pair;
            request.RequestUri = builder.Uri;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A bearer token the desk fetches, caches and renews itself (see <see cref="OAuth2Tokens"/>).</summary>
    public sealed record OAuth2(OAuth2Grant Grant) : HttpAuth
    {
        public override bool Renews => true;

        public override async ValueTask ApplyAsync(HttpRequestMessage request, ConnectionSettings settings, OAuth2Tokens tokens, bool renew, CancellationToken ct)
        {
            var token = await tokens.AccessTokenAsync(settings, Grant, renew, ct);
            OutgoingHeaders.Add(request, "Authorization", $"Bearer {token}");
        }
    }
}
