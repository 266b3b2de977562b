using AutomationDesk.Web;
using Microsoft.AspNetCore.Hosting;

namespace AutomationDesk.Tests.Api;

/// <summary>A desk of its own with <c>Metrics:AllowAnonymous=true</c>: a scraper inside the network needs no key.</summary>
public sealed class AnonymousMetricsTests : IAsyncLifetime
{
    private DeskApp Desk { get; } = new(builder => builder.UseSetting(DeskTelemetry.AllowAnonymousKey, "true"));

    public Task InitializeAsync() => ((IAsyncLifetime)Desk).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)Desk).DisposeAsync();

    [Fact]
    public async Task Metrics_are_served_without_a_key_when_allowed()
    {
        using var anonymous = Desk.Anonymous();

        var metrics = await MetricsEndpointTests.ScrapeAsync(anonymous);

        Assert.Equal("gauge", metrics.Types["desk_queue_depth"]);
        Assert.Equal(0, metrics.ValueOf("desk_queue_depth"));
    }
}
