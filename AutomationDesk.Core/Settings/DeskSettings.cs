using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Settings;

/// <summary>
/// Desk-wide settings stored in the database, so every desk process sees the same value. A key not set reads as
/// null and the caller uses its own default (often from configuration).
/// </summary>
public sealed class DeskSettings(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, TimeProvider time)
{
    /// <summary>The connection <c>email.send</c> uses when a step names none.</summary>
    public const string EmailDefaultConnection = "email.defaultConnection";

    /// <summary>The connection <c>ai.prompt</c> uses when a step names none.</summary>
    public const string AiDefaultConnection = "ai.defaultConnection";

    public const int MaxValueBytes = 64 * 1024;

    public async Task<JsonNode?> GetAsync(string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.ValueJson).SingleOrDefaultAsync(ct);
        return stored is null ? null : JsonNode.Parse(stored);
    }

    public async Task<string?> TextAsync(string key, CancellationToken ct) => JsonNodeText.TextOrNull(await GetAsync(key, ct));

    public async Task<IReadOnlyDictionary<string, JsonNode?>> AllAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Settings.AsNoTracking().OrderBy(s => s.Key).ToListAsync(ct);
        return rows.ToDictionary(s => s.Key, s => JsonNode.Parse(s.ValueJson), StringComparer.Ordinal);
    }

    public async Task SetAsync(string key, JsonNode? value, Actor actor, CancellationToken ct)
    {
        var json = value?.ToJsonString() ?? "null";
        if (json.Length > MaxValueBytes)
        {
            throw DeskProblemException.InvalidField("value", $"At most {MaxValueBytes / 1024} KiB of JSON.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Settings.FindAsync([key], ct);
        if (row is null)
        {
            row = new DeskSetting { Key = key };
            db.Settings.Add(row);
        }
        row.ValueJson = json;
        row.UpdatedAt = time.GetUtcNow();
        audit.Record(db, actor, "setting.set", $"setting:{key}");
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> DeleteAsync(string key, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Settings.FindAsync([key], ct);
        if (row is null)
        {
            return false;
        }
        db.Settings.Remove(row);
        audit.Record(db, actor, "setting.delete", $"setting:{key}");
        await db.SaveChangesAsync(ct);
        return true;
    }
}
