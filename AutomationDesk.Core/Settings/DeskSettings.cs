using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Settings;

/// <summary>
/// Desk-wide settings stored in the database, so every desk process sees the same value. A key not set reads as
/// null and the caller uses its own default (often from configuration). People change them through
/// <see cref="ChangeAsync"/>, which checks the value against <see cref="DeskSettingKeys"/>.
/// </summary>
public sealed class DeskSettings(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, ConnectionStore connections, TimeProvider time)
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

    /// <summary>
    /// A person's change: the key must be known and the value right for it (a default connection must exist and be of
    /// its type). Answers the value as stored.
    /// </summary>
    public async Task<JsonNode?> ChangeAsync(string key, JsonNode? value, Actor actor, CancellationToken ct)
    {
        var stored = DeskSettingKeys.Normalize(key, value);
        if (DeskSettingKeys.DefaultConnectionTypes.TryGetValue(key, out var types))
        {
            await CheckConnectionAsync(key, stored.TextOrNull()!, types, ct);
        }
        await SetAsync(key, stored, actor, ct);
        return stored;
    }

    /// <summary>The retention the desk's prune job applies, each key not set reading as its default.</summary>
    public async Task<RetentionSettings> RetentionAsync(CancellationToken ct)
    {
        var all = await AllAsync(ct);
        var fallback = RetentionSettings.Default;
        return new RetentionSettings(
            Days(all, DeskSettingKeys.ExecutionsDays, fallback.ExecutionsDays),
            Days(all, DeskSettingKeys.WebhookEventsDays, fallback.WebhookEventsDays),
            Days(all, DeskSettingKeys.NotificationsDays, fallback.NotificationsDays),
            all.GetValueOrDefault(DeskSettingKeys.Archive) is JsonValue flag && flag.TryGetValue<bool>(out var archive) ? archive : fallback.Archive);
    }

    /// <summary>The address people reach the desk at (no trailing slash), or null to build addresses from the request.</summary>
    public async Task<Uri?> PublicBaseUrlAsync(CancellationToken ct) =>
        await TextAsync(DeskSettingKeys.PublicBaseUrl, ct) is { Length: > 0 } text && Uri.TryCreate(text, UriKind.Absolute, out var url) ? url : null;

    /// <summary>The global variables by name (without the <c>vars.</c> prefix), read once when a run starts.</summary>
    public async Task<IReadOnlyDictionary<string, JsonNode?>> VarsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Settings.AsNoTracking().Where(s => s.Key.StartsWith(DeskSettingKeys.VarsPrefix))
            .Select(s => new { s.Key, s.ValueJson }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key[DeskSettingKeys.VarsPrefix.Length..], r => JsonNode.Parse(r.ValueJson), StringComparer.Ordinal);
    }

    private static int Days(IReadOnlyDictionary<string, JsonNode?> all, string key, int fallback) =>
        DeskSettingKeys.TryDays(all.GetValueOrDefault(key), out var days) ? days : fallback;

    private async Task CheckConnectionAsync(string key, string name, string[] types, CancellationToken ct)
    {
        var wanted = string.Join(" or ", types);
        if (await connections.GetAsync(name, ct) is not { } connection)
        {
            throw DeskProblemException.InvalidField("value", $"There is no connection '{name}'; {key} names a {wanted} connection.");
        }
        if (!types.Contains(connection.Type, StringComparer.Ordinal))
        {
            throw DeskProblemException.InvalidField("value", $"'{name}' is a {connection.Type} connection; {key} names a {wanted} connection.");
        }
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
