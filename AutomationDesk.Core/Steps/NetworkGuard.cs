using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Decides which addresses outgoing step traffic may reach. It is applied where the socket connects, after DNS, to the
/// very addresses the socket connects to, so a name that resolves to an internal address (now or, rebinding, on the
/// next lookup), or a redirect to one, is refused as well.
/// </summary>
public static class NetworkGuard
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // "this" network; 0.0.0.0 reaches this host
        (IPAddress.Parse("10.0.0.0"), 8),       // private
        (IPAddress.Parse("100.64.0.0"), 10),    // carrier-grade NAT
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, cloud metadata
        (IPAddress.Parse("172.16.0.0"), 12),    // private
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments
        (IPAddress.Parse("192.0.2.0"), 24),     // documentation (TEST-NET-1)
        (IPAddress.Parse("192.88.99.0"), 24),   // 6to4 relay anycast
        (IPAddress.Parse("192.168.0.0"), 16),   // private
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),  // documentation (TEST-NET-2)
        (IPAddress.Parse("203.0.113.0"), 24),   // documentation (TEST-NET-3)
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved, broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128),           // unspecified
        (IPAddress.Parse("::1"), 128),          // loopback
        (IPAddress.Parse("64:ff9b:1::"), 48),   // NAT64 for local use
        (IPAddress.Parse("100::"), 64),         // discard-only
        (IPAddress.Parse("2001:db8::"), 32),    // documentation
        (IPAddress.Parse("fc00::"), 7),         // unique local
        (IPAddress.Parse("fe80::"), 10),        // link-local
        (IPAddress.Parse("fec0::"), 10),        // site-local (deprecated, still routed by some)
        (IPAddress.Parse("ff00::"), 8),         // multicast
    ];

    /// <summary>Why the address may not be reached, or null when it may; this host's own addresses are listed anew.</summary>
    public static string? Refusal(IPAddress address) => Refusal(address, OwnAddresses());

    /// <summary>
    /// Why the address may not be reached, or null when it may. <paramref name="own"/> are this host's addresses: a
    /// public address of the host's own interface reaches services that listen on all interfaces but trust no one.
    /// An IPv6 address that carries an IPv4 address (mapped, compatible, translated, NAT64, 6to4, Teredo, ISATAP) is
    /// judged by the IPv4 address it leads to.
    /// </summary>
    public static string? Refusal(IPAddress address, IReadOnlyCollection<IPAddress> own)
    {
        var bytes = address.GetAddressBytes();
        if (own.Any(o => o.GetAddressBytes().AsSpan().SequenceEqual(bytes)))
        {
            return $"{address} is an address of this machine";
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return BlockedV4.Any(b => InRange(bytes, b.Network, b.Prefix)) ? $"{address} is a loopback, private, link-local, CGNAT, multicast or reserved address" : null;
        }
        if (BlockedV6.Any(b => InRange(bytes, b.Network, b.Prefix)))
        {
            return $"{address} is a loopback, link-local, unique-local, multicast or reserved address";
        }
        return EmbeddedIPv4(bytes) is { } inner && Refusal(inner, own) is { } refusal ? $"{address} leads to {refusal}" : null;
    }

    /// <summary>The IPv4 address an IPv6 address carries and leads to, or null when it carries none.</summary>
    private static IPAddress? EmbeddedIPv4(byte[] v6)
    {
        var span = v6.AsSpan();
        if (span[..10].IndexOfAnyExcept((byte)0) < 0 && (span[10..12].SequenceEqual(stackalloc byte[] { 0xff, 0xff }) || span[10..12].IndexOfAnyExcept((byte)0) < 0))
        {
            return new IPAddress(span[12..]); // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible)
        }
        if (span[..8].IndexOfAnyExcept((byte)0) < 0 && span[8..12].SequenceEqual(stackalloc byte[] { 0xff, 0xff, 0, 0 }))
        {
            return new IPAddress(span[12..]); // ::ffff:0:a.b.c.d (translated)
        }
        if (span[..4].SequenceEqual(stackalloc byte[] { 0x00, 0x64, 0xff, 0x9b }) && span[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(span[12..]); // 64:ff9b::a.b.c.d (NAT64)
        }
        if (span[0] == 0x20 && span[1] == 0x02)
        {
            return new IPAddress(span[2..6]); // 2002:aabb:ccdd::/48 (6to4)
        }
        if (span[..4].SequenceEqual(stackalloc byte[] { 0x20, 0x01, 0, 0 }))
        {
            // Teredo: the client's address, inverted, in the last four bytes.
            return new IPAddress(new[] { (byte)~span[12], (byte)~span[13], (byte)~span[14], (byte)~span[15] });
        }
        if ((span[8] is 0x00 or 0x02) && span[9] == 0x00 && span[10] == 0x5e && span[11] == 0xfe)
        {
            return new IPAddress(span[12..]); // ISATAP interface identifier
        }
        return null;
    }

    /// <summary>Every address of this host's network interfaces (loopback included).</summary>
    private static IReadOnlyCollection<IPAddress> OwnAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address).ToList();
        }
        catch (NetworkInformationException)
        {
            return []; // The ranges above still refuse loopback and private addresses.
        }
    }

    private static bool InRange(byte[] address, IPAddress network, int prefix)
    {
        var n = network.GetAddressBytes();
        if (address.Length != n.Length)
        {
            return false;
        }
        for (var i = 0; i < address.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
            if ((address[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Set on a request to the <c>host:port</c> an Admin allowed on its connection (<c>allowPrivateNetwork</c>): that
    /// authority may be reached on an internal address; a redirect elsewhere is judged as usual.
    /// </summary>
    public static readonly HttpRequestOptionsKey<string> TrustedAuthority = new("AutomationDesk.TrustedAuthority");

    /// <summary>Whether the request carries <see cref="TrustedAuthority"/> for exactly this host and port.</summary>
    public static bool IsTrusted(HttpRequestMessage request, string host, int port) =>
        request.Options.TryGetValue(TrustedAuthority, out var authority)
        && string.Equals(authority, $"{host.Trim('[', ']')}:{port}", StringComparison.OrdinalIgnoreCase);

    private const string RefusalMark = "AutomationDesk.NetworkGuard.Refused";

    /// <summary>Whether the request failed because the guard refused its address (which no retry can change).</summary>
    public static bool IsRefusal(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e.Data.Contains(RefusalMark))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A connect callback for <see cref="SocketsHttpHandler"/> that connects only to addresses the guard allows, unless
    /// the options allow internal networks or list the host and port in <see cref="HttpStepOptions.AllowedHosts"/>.
    /// Each address is checked as resolved for this connection, and the socket connects to those addresses only.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(Func<HttpStepOptions> options) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var port = context.DnsEndPoint.Port;
            var scheme = context.InitialRequestMessage.RequestUri?.Scheme ?? Uri.UriSchemeHttp;
            var trusted = IsTrusted(context.InitialRequestMessage, host, port);
            var allowed = await AllowedAddressesAsync(host, port, scheme, options(), ct, trusted);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    /// <summary>
    /// The addresses of <paramref name="host"/> that may be reached on <paramref name="port"/>; refused (an
    /// <see cref="HttpRequestException"/> marked as a refusal) when there are none.
    /// </summary>
    /// <param name="trustedHost">The host was allowed on the connection that calls it (see <see cref="TrustedAuthority"/>).</param>
    public static async Task<IPAddress[]> AllowedAddressesAsync(string host, int port, string scheme, HttpStepOptions limits, CancellationToken ct, bool trustedHost = false)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        var trusted = trustedHost || limits.AllowPrivateNetworks || limits.AllowedHostEntries().Any(a => a.Allows(host, port, scheme));
        var own = trusted ? [] : OwnAddresses();
        var allowed = trusted ? addresses : addresses.Where(a => Refusal(a, own) is null).ToArray();
        if (allowed.Length == 0)
        {
            var reason = addresses.Length == 0 ? $"{host} has no address" : Refusal(addresses[0], own);
            throw new HttpRequestException(
                $"Refused to connect to {host}:{port}: {reason}. An administrator can allow it on the connection (allowPrivateNetwork), with Http:AllowedHosts (host:port), or allow every internal address with Http:AllowPrivateNetworks.")
            {
                Data = { [RefusalMark] = true },
            };
        }
        return allowed;
    }
}
