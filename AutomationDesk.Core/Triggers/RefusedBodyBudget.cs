using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// How much refused request body one webhook workflow or inbox source keeps. A request refused by a real webhook
/// (wrong token, bad signature) keeps its body so a person can replay it, but only while the bodies of the refused
/// requests it kept in the last 24 hours stay within <see cref="MaxBytes"/>: whoever knows a workflow id or a source
/// name cannot grow the database without bound by sending requests that will be refused.
/// </summary>
public static class RefusedBodyBudget
{
    public const long MaxBytes = 8 * 1024 * 1024;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>Drops the body of a refused request when keeping it would pass the budget; answers the reason's addition, or null when kept.</summary>
    public static async Task<string?> ApplyAsync(DeskDbContext db, WebhookEvent stored, CancellationToken ct)
    {
        if (stored.Body is null)
        {
            return null;
        }
        var since = stored.ReceivedAt - Window;
        var kept = db.WebhookEvents.Where(e => e.Status == WebhookEventStatuses.Refused && e.Body != null && e.ReceivedAt >= since);
        kept = stored.WorkflowId is { } workflowId ? kept.Where(e => e.WorkflowId == workflowId) : kept.Where(e => e.InboxSource == stored.InboxSource);
        if (await kept.SumAsync(e => e.BodyBytes, ct) + stored.BodyBytes <= MaxBytes)
        {
            return null;
        }
        stored.Body = null;
        return $" Body not kept: the refused requests of the last 24 hours already keep {MaxBytes / (1024 * 1024)} MiB of bodies here.";
    }
}
