using System.Net;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Api;

/// <summary>Which client a request counts against for rate limits.</summary>
public sealed class ClientAddressTests
{
    private static string Of(string? address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        return ClientAddress.Of(context);
    }

    [Fact]
    public void An_ipv4_client_counts_by_its_address_also_when_it_arrives_mapped_to_ipv6()
    {
        Assert.Equal("203.0.113.7", Of("203.0.113.7"));
        Assert.Equal("203.0.113.7", Of("::ffff:203.0.113.7"));
    }

    [Fact]
    public void An_ipv6_client_counts_by_its_64_bit_network_so_it_cannot_take_a_new_address_per_request()
    {
        Assert.Equal("2001:db8:1:2::/64", Of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        Assert.Equal(Of("2001:db8:1:2::1"), Of("2001:db8:1:2:ffff::9"));
        Assert.NotEqual(Of("2001:db8:1:2::1"), Of("2001:db8:1:3::1"));
    }

    [Fact]
    public void A_request_without_an_address_counts_as_one_unknown_client()
    {
        Assert.Equal("unknown", Of(null));
    }
}
