using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Web.Notifications;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Notifications;

/// <summary>The signed-in person's own channels: add, change, test and delete them.</summary>
public sealed partial class NotificationChannels
{
    private IReadOnlyList<NotificationChannelView>? _channels;
    private IReadOnlyList<string> _smtpConnections = [];
    private readonly HashSet<Guid> _testing = [];
    private readonly Dictionary<Guid, ChannelTestResult> _results = [];
    private Guid? _confirming;
    private bool _editorOpen;
    private NotificationChannelView? _editing;

    [Inject] public required NotificationChannelStore Channels { get; set; }
    [Inject] public required ChannelDeliveries Deliveries { get; set; }
    [Inject] public required ConnectionStore Connections { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _smtpConnections = (await Connections.ListAsync(CancellationToken.None))
            .Where(c => c.Type == NotificationChannelStore.SmtpConnectionType).Select(c => c.Name).ToList();
        await LoadAsync();
    }

    private async Task<string> OwnerAsync() => NotificationInbox.ReaderOf((await AuthenticationState).User);

    private async Task LoadAsync() => _channels = await Channels.ListAsync(await OwnerAsync(), CancellationToken.None);

    private void Add()
    {
        _editing = null;
        _editorOpen = true;
    }

    private void Edit(NotificationChannelView channel)
    {
        _editing = channel;
        _editorOpen = true;
    }

    private async Task OnSavedAsync()
    {
        _editorOpen = false;
        await LoadAsync();
    }

    private async Task TestAsync(NotificationChannelView channel)
    {
        _testing.Add(channel.Id);
        _results.Remove(channel.Id);
        StateHasChanged();
        try
        {
            var result = await Deliveries.TestAsync(await OwnerAsync(), channel.Id, CancellationToken.None);
            _results[channel.Id] = result ?? new ChannelTestResult(false, "This channel was deleted.");
        }
        finally
        {
            _testing.Remove(channel.Id);
        }
    }

    private async Task DeleteAsync(Guid id)
    {
        _confirming = null;
        await Channels.DeleteAsync(await OwnerAsync(), id, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        _results.Remove(id);
        await LoadAsync();
    }

    private static string WantsOf(NotificationChannelView channel)
    {
        var types = channel.Types.Count == 0 ? "All types" : string.Join(", ", channel.Types);
        return channel.MinPriority == NotificationPriority.Low ? types : $"{types}, {channel.MinPriority} and above";
    }

    public static string IconOf(ChannelKind kind) => kind switch
    {
        ChannelKind.Email => Icons.Material.Filled.Email,
        ChannelKind.Webhook => Icons.Material.Filled.Webhook,
        _ => Icons.Material.Filled.Forum,
    };
}
