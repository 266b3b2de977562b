using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

public sealed class NetworkGuardTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(app =>
        {
            app.MapEcho();
            app.MapGet("/jump", (HttpContext http) => Results.Redirect($"http://localhost:{http.Connection.LocalPort}/echo/landed"));
        });
        _desk = await CoreDesk.StartAsync(new Dictionary<string, string?>
        {
            ["Http:AllowPrivateNetworks"] = "false",
            ["Http:AllowedHosts:0"] = $"127.0.0.1:{_server.Port}",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private async Task<StepRun> CallAsync(string url) => Assert.Single((await _desk.RunAsync(Workflow(Http("call", url)))).Steps);

    private static void AssertRefused(StepRun step)
    {
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("Refused to connect", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("::127.0.0.1")]
    [InlineData("::10.0.0.1")]
    [InlineData("::")]
    [InlineData("::ffff:0:7f00:1")]
    [InlineData("2002:7f00:0001::")]
    [InlineData("2002:0a00:0001::1")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")]
    [InlineData("2001:0:4136:e378:8000:63bf:f5ff:fffe")]
    [InlineData("2001:4860::5efe:7f00:1")]
    [InlineData("64:ff9b:1::a00:1")]
    [InlineData("ff02::1")]
    [InlineData("ff0e::1")]
    [InlineData("fec0::1")]
    [InlineData("fe80::1%1")]
    [InlineData("2001:db8::1")]
    [InlineData("100::1")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("100.127.255.254")]
    [InlineData("192.0.2.1")]
    [InlineData("198.51.100.1")]
    [InlineData("203.0.113.1")]
    public void Internal_addresses_are_refused(string address)
    {
        Assert.NotNull(NetworkGuard.Refusal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:0808:0808::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7")]
    [InlineData("100.128.0.1")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.Null(NetworkGuard.Refusal(IPAddress.Parse(address), []));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("::ffff:93.184.215.14")]
    [InlineData("2002:5db8:d70e::1")]
    public void An_address_of_this_machine_is_refused_even_when_it_is_public(string address)
    {
        IPAddress[] own = [IPAddress.Parse("93.184.215.14")];

        Assert.Contains("this machine", NetworkGuard.Refusal(IPAddress.Parse(address), own), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_address_of_this_machine_s_network_interfaces_is_refused_as_its_own()
    {
        var own = NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address).ToList();

        Assert.NotEmpty(own);
        Assert.All(own, address => Assert.Contains("this machine", NetworkGuard.Refusal(address), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_step_may_not_call_this_machine_on_the_address_of_its_network_interface()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;

        var step = await CallAsync($"http://{address}:{_server.Port}/echo/a");

        AssertRefused(step);
        Assert.Contains("this machine", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:{port}/echo/a")]
    [InlineData("http://127.0.0.2:{port}/echo/a")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[::1]:{port}/echo/a")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/echo/a")]
    [InlineData("http://2130706434:{port}/echo/a")]
    public async Task A_step_may_not_call_an_internal_address(string url)
    {
        var step = await CallAsync(url.Replace("{port}", _server.Port.ToString(), StringComparison.Ordinal));

        AssertRefused(step);
    }

    [Fact]
    public async Task An_allowed_host_may_be_called_on_an_internal_address()
    {
        var step = await CallAsync(_server.Url("/echo/a"));

        Assert.Equal(StepStatus.Succeeded, step.Status);
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_host_to_an_internal_one_is_refused_where_it_connects()
    {
        var step = await CallAsync(_server.Url("/jump"));

        AssertRefused(step);
        Assert.Contains("localhost", step.ErrorHuman, StringComparison.Ordinal);
    }
}
