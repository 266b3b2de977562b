namespace AutomationDesk.Core.Triggers;

/// <summary>Announces each webhook event once it is stored or changed, so open pages can show it without a reload.</summary>
public sealed class WebhookEventFeed
{
    /// <summary>Raised with the event's id after it was saved.</summary>
    public event Action<Guid>? Stored;

    internal void Announce(Guid eventId) => Stored?.Invoke(eventId);
}
