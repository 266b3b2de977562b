using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Webhooks;

/// <summary>
/// One webhook request as it came (method, query, headers, body), how the receiver answered and the runs it and its
/// replays started; an Editor replays it (a refused one after confirming, told why it was refused).
/// It reloads when the receiver records its final answer (a <c>completed</c> webhook's 200).
/// </summary>
public sealed partial class WebhookEventPage : IDisposable
{
    private WebhookEventDetail? _event;
    private string? _workflowName;
    private bool _loaded;
    private bool _replaying;
    private bool _confirming;
    private string? _replayError;
    private WebhookReplayResult? _replayed;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; init; }
    [Inject] public required WebhookReplay Replay { get; init; }
    [Inject] public required WebhookEventFeed Feed { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    private string Target => _event is { WorkflowId: { } } ? $"to workflow {_workflowName ?? "(deleted)"}" : $"to inbox {_event?.InboxSource} ({_event?.EventType ?? "no event type"})";

    protected override void OnInitialized() => Feed.Stored += OnStored;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _event = await WebhookEventsApi.FindAsync(db, Id, CancellationToken.None);
        _workflowName = _event?.WorkflowId is { } workflowId
            ? await db.Workflows.AsNoTracking().Where(w => w.Id == workflowId).Select(w => w.Name).SingleOrDefaultAsync()
            : null;
        _loaded = true;
    }

    private void OnStored(Guid eventId)
    {
        if (eventId == Id)
        {
            _ = InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
    }

    /// <summary>A refused request is replayed only after the person has read why it was refused and confirmed.</summary>
    private Task AskReplayAsync()
    {
        if (_event?.ReplayWarning is not null && _event.Body is not null)
        {
            (_confirming, _replayError, _replayed) = (true, null, null);
            return Task.CompletedTask;
        }
        return ReplayAsync(confirmed: false);
    }

    private async Task ReplayAsync(bool confirmed)
    {
        (_replaying, _confirming, _replayError, _replayed) = (true, false, null, null);
        try
        {
            _replayed = await Replay.ReplayAsync(Id, (await AuthenticationState).User.ToActor(), confirmed, CancellationToken.None);
            await LoadAsync();
        }
        catch (DeskProblemException e)
        {
            _replayError = $"Not replayed: {e.Message}";
        }
        finally
        {
            _replaying = false;
        }
    }

    private static string BodyText(WebhookEventDetail webhookEvent) =>
        webhookEvent.ContentType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase) ? JsonText.Pretty(webhookEvent.Body) : webhookEvent.Body ?? "";

    private static string ValueText(JsonNode? value) => value switch
    {
        JsonArray many => string.Join(", ", many.Select(v => v?.ToString())),
        null => "",
        _ => value.ToString(),
    };

    public void Dispose() => Feed.Stored -= OnStored;
}
