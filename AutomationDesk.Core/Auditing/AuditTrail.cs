using System.Text.Json;
using AutomationDesk.Core.Persistence;

namespace AutomationDesk.Core.Auditing;

/// <summary>Adds audit rows to the caller's unit of work, so a change and its record commit together or not at all.</summary>
public sealed class AuditTrail(TimeProvider time)
{
    /// <summary>Raised after a save that wrote audit rows, so open pages can show the change.</summary>
    public event Action? Recorded;

    public void Record(DeskDbContext db, Actor actor, string action, string target, object? details = null)
    {
        db.SavedChanges += AnnounceOnce;
        db.AuditEvents.Add(new AuditEvent
        {
            Time = time.GetUtcNow(),
            ActorKind = actor.Kind,
            Actor = actor.Name,
            Action = action,
            Target = target,
            DetailsJson = details is null ? null : JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
        });
    }

    private void AnnounceOnce(object? sender, Microsoft.EntityFrameworkCore.SavedChangesEventArgs e)
    {
        ((DeskDbContext)sender!).SavedChanges -= AnnounceOnce;
        Recorded?.Invoke();
    }
}
