using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Settings;

/// <summary>What the retention job reads: each retention key, or its default while nobody has set it.</summary>
public sealed class RetentionSettingsTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task An_unset_desk_reads_the_defaults_and_set_keys_read_their_values()
    {
        var settings = _desk.Get<DeskSettings>();
        Assert.Equal(new RetentionSettings(30, 30, 90, false), await settings.RetentionAsync(CancellationToken.None));

        await settings.ChangeAsync(DeskSettingKeys.ExecutionsDays, 7, Actor.System, CancellationToken.None);
        await settings.ChangeAsync(DeskSettingKeys.Archive, true, Actor.System, CancellationToken.None);

        Assert.Equal(new RetentionSettings(7, 30, 90, true), await settings.RetentionAsync(CancellationToken.None));
        Assert.Null(await settings.PublicBaseUrlAsync(CancellationToken.None));
    }
}
