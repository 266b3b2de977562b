using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// The secret path segment of a workflow's webhook URL: 256 random bits, base64url. Whoever knows it can start the
/// workflow, so it is compared in constant time and can be replaced (the old one stops working at once).
/// </summary>
public sealed class WebhookTokens(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, TimeProvider time)
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Constant-time comparison; a workflow without a token matches nothing.</summary>
    public static bool Matches(string? expected, string given) =>
        expected is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    /// <summary>Gives a webhook workflow a new token and retires the old one. Null when the workflow has no webhook trigger.</summary>
    public async Task<string?> RotateAsync(Guid workflowId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Workflows.SingleOrDefaultAsync(w => w.Id == workflowId, ct);
        if (workflow is null || workflow.TriggerType != TriggerTypes.Webhook)
        {
            return null;
        }
        workflow.WebhookToken = New();
        workflow.UpdatedAt = time.GetUtcNow();
        audit.Record(db, actor, "workflow.webhook.rotate", $"workflow:{workflowId}", new { workflow.Name });
        await db.SaveChangesAsync(ct);
        return workflow.WebhookToken;
    }
}
