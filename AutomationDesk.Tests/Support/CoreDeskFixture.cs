namespace AutomationDesk.Tests.Support;

/// <summary>One <see cref="CoreDesk"/> shared by a test class whose tests only start their own runs.</summary>
public sealed class CoreDeskFixture : IAsyncLifetime
{
    public CoreDesk Desk { get; private set; } = null!;

    public async Task InitializeAsync() => Desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await Desk.DisposeAsync();
}
