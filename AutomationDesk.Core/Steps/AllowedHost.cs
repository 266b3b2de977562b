using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// One entry of <c>Http:AllowedHosts</c>: a host name or address that steps may reach even on an internal address, and
/// the port they may reach it on. Without a port only the scheme's default port is allowed (80 for http, 443 for https),
/// so allowing an intranet web server does not also open its database or admin ports.
/// Written <c>intranet.example</c>, <c>localhost:8080</c>, <c>10.0.0.5:443</c> or <c>[::1]:9000</c>.
/// </summary>
public sealed record AllowedHost(string Host, int? Port)
{
    private const string Examples = "such as intranet.example, localhost:8080, 10.0.0.5:443 or [::1]:9000";

    /// <exception cref="FormatException">The entry is not a host with an optional port.</exception>
    public static AllowedHost Parse(string entry) => TryParse(entry, out var allowed, out var error) ? allowed : throw new FormatException(error);

    public static bool TryParse(string? entry, [NotNullWhen(true)] out AllowedHost? allowed, [NotNullWhen(false)] out string? error)
    {
        allowed = null;
        error = $"Http:AllowedHosts entry '{entry}' is not a host with an optional port, {Examples}.";
        var text = entry?.Trim() ?? "";
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                return false;
            }
            host = text[1..close];
            port = close + 1 < text.Length ? text[(close + 2)..] : null;
            if (!IPAddress.TryParse(host, out _))
            {
                return false;
            }
        }
        else if (text.Count(c => c == ':') > 1)
        {
            host = text; // A bare IPv6 address: it can have no port, which needs brackets.
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            return false;
        }
        int? number = null;
        if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                return false;
            }
            number = parsed;
        }
        allowed = new AllowedHost(Normalized(host), number);
        error = null;
        return true;
    }

    /// <summary>Whether a connection to <paramref name="host"/> and <paramref name="port"/>, for a URL of <paramref name="scheme"/>, is allowed.</summary>
    public bool Allows(string host, int port, string scheme) =>
        string.Equals(Normalized(host), Host, StringComparison.Ordinal)
        && port == (Port ?? (string.Equals(scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? 443 : 80));

    /// <summary>Lower case, without brackets, an address in its shortest form: <c>[0:0::1]</c> and <c>::1</c> are the same host.</summary>
    private static string Normalized(string host)
    {
        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var address) ? address.ToString() : bare.ToLowerInvariant();
    }
}
