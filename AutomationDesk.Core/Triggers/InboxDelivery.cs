namespace AutomationDesk.Core.Triggers;

/// <summary>
/// A delivery id an inbox source already received (GitHub's <c>X-GitHub-Delivery</c>, or the source's configured header
/// or body path): unique per source, written in the same commit as the event it started, so a delivery sent twice,
/// even twice at once, starts its runs once within <see cref="InboxRouter.DeliveryWindow"/>.
/// </summary>
public sealed class InboxDelivery
{
    public string Source { get; set; } = "";
    public string DeliveryId { get; set; } = "";
    /// <summary>The webhook event of the first delivery.</summary>
    public Guid EventId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
