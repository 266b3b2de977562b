using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.Extensions.Options;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary><c>Http:AllowedHosts</c>: a host, and optionally the one port it may be called on.</summary>
public sealed class AllowedHostsTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(app => app.MapEcho());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<StepRun> CallAsync(string allowed, string url)
    {
        await using var desk = await CoreDesk.StartAsync(new Dictionary<string, string?>
        {
            ["Http:AllowPrivateNetworks"] = "false",
            ["Http:AllowedHosts:0"] = allowed,
        });
        return Assert.Single((await desk.RunAsync(Workflow(Http("call", url)))).Steps);
    }

    [Theory]
    [InlineData("localhost:8080", "localhost", 8080)]
    [InlineData("LocalHost:8080", "localhost", 8080)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("10.0.0.5:443", "10.0.0.5", 443)]
    [InlineData("intranet.example", "intranet.example", null)]
    [InlineData("[::1]", "::1", null)]
    [InlineData("::1", "::1", null)]
    public void An_entry_is_a_host_with_an_optional_port(string entry, string host, int? port)
    {
        var allowed = AllowedHost.Parse(entry);

        Assert.Equal(host, allowed.Host);
        Assert.Equal(port, allowed.Port);
    }

    [Theory]
    [InlineData("localhost:8080", "localhost", 8080, "http", true)]
    [InlineData("localhost:8080", "localhost", 8081, "http", false)]
    [InlineData("localhost:8080", "otherhost", 8080, "http", false)]
    [InlineData("localhost", "localhost", 80, "http", true)]
    [InlineData("localhost", "localhost", 443, "https", true)]
    [InlineData("localhost", "localhost", 443, "http", false)]
    [InlineData("localhost", "localhost", 8080, "http", false)]
    [InlineData("[::1]:9000", "[::1]", 9000, "http", true)]
    [InlineData("[::1]:9000", "::1", 9000, "http", true)]
    public void An_entry_without_a_port_allows_only_the_default_port_of_the_scheme(string entry, string host, int port, string scheme, bool allows)
    {
        Assert.Equal(allows, AllowedHost.Parse(entry).Allows(host, port, scheme));
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost:http")]
    [InlineData("localhost:0")]
    [InlineData("localhost:70000")]
    [InlineData("http://localhost")]
    [InlineData("localhost/path")]
    [InlineData("[::1")]
    public async Task An_entry_that_is_not_a_host_and_port_fails_the_start_and_names_the_entry(string entry)
    {
        await using var desk = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Http:AllowedHosts:0"] = entry });

        var error = Assert.Throws<OptionsValidationException>(() => desk.Get<IOptions<HttpStepOptions>>().Value);
        Assert.Contains($"'{entry}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_allowed_with_its_port_may_be_called_on_that_port()
    {
        var step = await CallAsync($"127.0.0.1:{_server.Port}", _server.Url("/echo/a"));

        Assert.Equal(StepStatus.Succeeded, step.Status);
    }

    [Fact]
    public async Task A_host_allowed_by_name_may_be_called_by_that_name()
    {
        var step = await CallAsync($"localhost:{_server.Port}", $"http://localhost:{_server.Port}/echo/a");

        Assert.Equal(StepStatus.Succeeded, step.Status);
    }

    [Fact]
    public async Task A_host_allowed_without_a_port_may_not_be_called_on_another_port()
    {
        var step = await CallAsync("127.0.0.1", _server.Url("/echo/a"));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("Refused to connect", step.ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_allowed_on_one_port_may_not_be_called_on_another()
    {
        var step = await CallAsync($"127.0.0.1:{_server.Port + 1}", _server.Url("/echo/a"));

        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("Refused to connect", step.ErrorHuman, StringComparison.Ordinal);
    }
}
