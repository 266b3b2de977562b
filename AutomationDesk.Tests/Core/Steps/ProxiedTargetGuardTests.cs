using System.Collections.Concurrent;
using System.Net;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>Through a proxy the socket reaches the proxy only; the request's own host is still checked.</summary>
public sealed class ProxiedTargetGuardTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _proxied = new();
    private LoopbackServer _proxy = null!;

    public async Task InitializeAsync() =>
        // A stand-in forward proxy: it takes requests in absolute form ("GET http://host/ HTTP/1.1") and answers them itself.
        _proxy = await LoopbackServer.StartAsync(app => app.MapFallback((HttpContext http) =>
        {
            _proxied.Enqueue($"{http.Request.Host}{http.Request.Path}");
            return Results.Text("proxied");
        }));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private HttpClient ClientThroughProxy()
    {
        // The proxy itself is an internal address the administrator allowed; nothing else inside is.
        var options = new HttpStepOptions { AllowedHosts = [$"127.0.0.1:{_proxy.BaseAddress.Port}"] };
        var monitor = new FixedOptions(options);
        var proxy = new WebProxy(_proxy.BaseAddress);
        var sockets = new SocketsHttpHandler { Proxy = proxy, UseProxy = true, ConnectCallback = NetworkGuard.ConnectCallback(() => options) };
        return new HttpClient(new ProxiedTargetGuard(monitor, Microsoft.Extensions.Options.Options.DefaultName, proxy) { InnerHandler = sockets });
    }

    [Theory]
    [InlineData("http://10.1.2.3/admin")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::ffff:127.0.0.1]:6379/")]
    public async Task An_internal_target_is_refused_before_the_request_reaches_the_proxy(string url)
    {
        using var client = ClientThroughProxy();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.True(NetworkGuard.IsRefusal(refused), refused.Message);
        Assert.Empty(_proxied);
    }

    [Fact]
    public async Task A_public_target_goes_through_the_proxy()
    {
        using var client = ClientThroughProxy();

        using var response = await client.GetAsync("http://93.184.215.14/page");

        Assert.Equal("proxied", await response.Content.ReadAsStringAsync());
        Assert.Equal("93.184.215.14/page", Assert.Single(_proxied));
    }

    private sealed class FixedOptions(HttpStepOptions value) : IOptionsMonitor<HttpStepOptions>
    {
        public HttpStepOptions CurrentValue => value;

        public HttpStepOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<HttpStepOptions, string?> listener) => null;
    }
}
