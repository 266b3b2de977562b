using System.Net;
using System.Net.Sockets;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Decides which addresses outgoing step traffic may reach. It is applied where the socket connects, after DNS,
/// so a name that resolves to an internal address, or a redirect to one, is refused as well.
/// </summary>
public static class NetworkGuard
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // "this" network
        (IPAddress.Parse("10.0.0.0"), 8),       // private
        (IPAddress.Parse("100.64.0.0"), 10),    // carrier-grade NAT
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, cloud metadata
        (IPAddress.Parse("172.16.0.0"), 12),    // private
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments
        (IPAddress.Parse("192.168.0.0"), 16),   // private
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved, broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128),           // unspecified
        (IPAddress.Parse("::1"), 128),          // loopback
        (IPAddress.Parse("fc00::"), 7),         // unique local
        (IPAddress.Parse("fe80::"), 10),        // link-local
        (IPAddress.Parse("ff00::"), 8),         // multicast
    ];

    /// <summary>Why the address may not be reached, or null when it may.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return Refusal(address.MapToIPv4());
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) forms carry an IPv4 address in the last four bytes.
            if ((bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.Skip(4).Take(8).All(b => b == 0))
                || (bytes.Take(12).All(b => b == 0) && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any)))
            {
                return Refusal(new IPAddress(bytes[12..]));
            }
            return BlockedV6.Any(b => InRange(address, b.Network, b.Prefix)) ? $"{address} is a loopback, link-local, unique-local or multicast address" : null;
        }
        return BlockedV4.Any(b => InRange(address, b.Network, b.Prefix)) ? $"{address} is a loopback, private, link-local, CGNAT or reserved address" : null;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A connect callback for <see cref="SocketsHttpHandler"/> that refuses blocked addresses, unless the options
    /// allow internal networks or name the host in <see cref="HttpStepOptions.AllowedHosts"/>.
    /// </summary>
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

    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(Func<HttpStepOptions> options) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, ct);
            var limits = options();
            var trusted = limits.AllowPrivateNetworks || limits.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
            var allowed = trusted ? addresses : addresses.Where(a => Refusal(a) is null).ToArray();
            if (allowed.Length == 0)
            {
                var reason = addresses.Length == 0 ? $"{host} has no address" : Refusal(addresses[0]);
                throw new HttpRequestException($"Refused to connect to {host}: {reason}. An administrator can allow internal addresses with Http:AllowPrivateNetworks.")
                {
                    Data = { [RefusalMark] = true },
                };
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
