using System.Net;
using System.Net.Sockets;

namespace AutomationDesk.Web.Security;

/// <summary>The client a request is counted against for rate limits.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The connection's remote address; an IPv6 client is counted by its /64 network, since one host usually holds a
    /// whole /64 and could otherwise take a new address for every request.
    /// </summary>
    public static string Of(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
