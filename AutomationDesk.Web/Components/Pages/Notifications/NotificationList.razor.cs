using AutomationDesk.Web.Notifications;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Notifications;

public sealed partial class NotificationList : IDisposable
{
    public const int PageSize = 20;

    private Paged<NotificationView>? _page;
    /// <summary>Runs on this page that wait for an approval, with the notification that shows its Approve / Reject.</summary>
    private Dictionary<Guid, (Guid NotificationId, PendingApproval Approval)> _approvals = [];
    private int _pageNumber = 1;
    private int _unread;
    private string? _search;
    private NotificationType? _type;
    private NotificationPriority? _priority;
    private bool _unreadOnly;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required NotificationInbox Inbox { get; set; }
    [Inject] public required LiveDeskEvents Events { get; set; }
    [Inject] public required ChannelDeliveries Deliveries { get; set; }

    [Inject] public required NavigationManager Navigation { get; init; }

    // Every filter and the page are in the address, so a filtered view survives a reload and can be shared.
    [SupplyParameterFromQuery(Name = "q")] public string? SearchFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "type")] public string? TypeFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "priority")] public string? PriorityFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "unreadOnly")] public bool? UnreadOnlyFromLink { get; set; }

    [SupplyParameterFromQuery(Name = "page")] public int? PageFromLink { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private bool Filtered => !string.IsNullOrWhiteSpace(_search) || _type is not null || _priority is not null || _unreadOnly;

    protected override async Task OnInitializedAsync()
    {
        Events.NotificationCreated += OnNotificationCreated;
        Events.ExecutionChanged += OnExecutionChanged;
        Inbox.Changed += OnInboxChanged;
        Deliveries.Changed += OnDeliveryChanged;
        _search = SearchFromLink;
        _type = ListAddress.Parse<NotificationType>(TypeFromLink).Cast<NotificationType?>().FirstOrDefault();
        _priority = ListAddress.Parse<NotificationPriority>(PriorityFromLink).Cast<NotificationPriority?>().FirstOrDefault();
        _unreadOnly = UnreadOnlyFromLink == true;
        _pageNumber = Math.Max(1, PageFromLink ?? 1);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var reader = NotificationInbox.ReaderOf((await AuthenticationState).User);
        await using var db = await DbFactory.CreateDbContextAsync();
        var query = db.Notifications.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(_search))
        {
            var pattern = Like.Contains(_search);
            query = query.Where(n => EF.Functions.Like(n.Title, pattern, Like.Escape) || EF.Functions.Like(n.Message, pattern, Like.Escape));
        }
        if (_type is { } type)
        {
            query = query.Where(n => n.Type == type);
        }
        if (_priority is { } priority)
        {
            query = query.Where(n => n.Priority == priority);
        }
        if (_unreadOnly)
        {
            query = query.UnreadBy(reader);
        }
        var views = query.OrderByDescending(n => n.CreatedAt).ViewsFor(reader);
        _page = await views.ToPageAsync(new PageQuery(_pageNumber, PageSize), CancellationToken.None);
        if (_page.Items.Count == 0 && _pageNumber > 1)
        {
            // The last rows of the page were deleted: show the new last page.
            _pageNumber = ListPager.PageCountOf(_page.Total, PageSize);
            _page = await views.ToPageAsync(new PageQuery(_pageNumber, PageSize), CancellationToken.None);
        }
        _unread = await db.Notifications.UnreadBy(reader).CountAsync();
        _approvals = await PendingApprovalsAsync(db, _page.Items);
    }

    /// <summary>The newest notification of each run that waits for a decision carries the Approve / Reject panel.</summary>
    private static async Task<Dictionary<Guid, (Guid, PendingApproval)>> PendingApprovalsAsync(DeskDbContext db, IReadOnlyList<NotificationView> shown)
    {
        var runIds = shown.Select(n => n.ExecutionId).OfType<Guid>().Distinct().ToList();
        if (runIds.Count == 0)
        {
            return [];
        }
        var waiting = await db.StepRuns.AsNoTracking()
            .Where(s => runIds.Contains(s.ExecutionId) && s.Type == ApprovalStep.TypeName && s.Status == StepStatus.Waiting && s.OutputJson == null)
            .OrderBy(s => s.Position)
            .ToListAsync();
        var pending = new Dictionary<Guid, (Guid, PendingApproval)>();
        foreach (var step in waiting)
        {
            if (!pending.ContainsKey(step.ExecutionId) && PendingApproval.From(StepRunView.From(step)) is { } approval)
            {
                pending[step.ExecutionId] = (shown.First(n => n.ExecutionId == step.ExecutionId).Id, approval);
            }
        }
        return pending;
    }

    /// <summary>A decision taken here or elsewhere changes the run: the panel goes once the approval is settled.</summary>
    private void OnExecutionChanged(ExecutionSummary execution)
    {
        if (_approvals.ContainsKey(execution.Id))
        {
            _ = InvokeAsync(ReloadAsync);
        }
    }

    private Task SearchAsync(string? search)
    {
        _search = search;
        return FirstPageAsync();
    }

    private Task TypeChangedAsync(NotificationType? type)
    {
        _type = type;
        return FirstPageAsync();
    }

    private Task PriorityChangedAsync(NotificationPriority? priority)
    {
        _priority = priority;
        return FirstPageAsync();
    }

    private Task UnreadOnlyChangedAsync(bool unreadOnly)
    {
        _unreadOnly = unreadOnly;
        return FirstPageAsync();
    }

    private Task FirstPageAsync() => PageChangedAsync(1);

    private async Task PageChangedAsync(int page)
    {
        _pageNumber = page;
        Navigation.Show(new Dictionary<string, object?>
        {
            ["q"] = _search, ["type"] = _type?.ToString(), ["priority"] = _priority?.ToString(), ["unreadOnly"] = _unreadOnly,
            ["page"] = ListAddress.Page(page),
        });
        await LoadAsync();
    }

    private async Task MarkReadAsync(Guid id) => await Inbox.MarkReadAsync(id, (await AuthenticationState).User, CancellationToken.None);

    private async Task MarkAllReadAsync() => await Inbox.MarkAllReadAsync((await AuthenticationState).User, CancellationToken.None);

    private async Task DeleteAsync(Guid id) => await Inbox.DeleteAsync(id, await ActorAsync(), CancellationToken.None);

    private async Task<Core.Auditing.Actor> ActorAsync() => (await AuthenticationState).User.ToActor();

    private void OnNotificationCreated(NotificationView notification) => _ = InvokeAsync(ReloadAsync);

    private void OnInboxChanged() => _ = InvokeAsync(ReloadAsync);

    /// <summary>A delivery of a notification on this page was sent or failed: its chip changes.</summary>
    private void OnDeliveryChanged(Guid notificationId)
    {
        if (_page?.Items.Any(n => n.Id == notificationId) == true)
        {
            _ = InvokeAsync(ReloadAsync);
        }
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    public void Dispose()
    {
        Events.NotificationCreated -= OnNotificationCreated;
        Events.ExecutionChanged -= OnExecutionChanged;
        Inbox.Changed -= OnInboxChanged;
        Deliveries.Changed -= OnDeliveryChanged;
    }
}
