using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Connections;

/// <summary>What anyone may see of a connection: never a secret, only which secret fields are set.</summary>
public sealed record ConnectionView(
    string Name, string Type, JsonObject Config, IReadOnlyList<string> SecretsSet,
    ConnectionHealth Health, DateTimeOffset? CheckedAt, string? Detail, int? LatencyMs,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// What a person sends to create or change a connection. In <see cref="Secrets"/>, a field left out, empty or sent as
/// <c>***</c> keeps the stored value on an update (so a form need not type it again); JSON null clears it.
/// </summary>
public sealed record ConnectionInput(string Name, string Type, JsonObject? Config, IReadOnlyDictionary<string, string?>? Secrets);

/// <summary>
/// Connections: stored with their secrets encrypted by Data Protection, checked against their type, refused for
/// deletion while a workflow names them. The clear secrets leave here only for a step or a test
/// (<see cref="ResolveAsync"/>) and the run's masker (<see cref="SecretValuesAsync"/>). Each change is announced, so
/// open Connections pages show it at once.
/// </summary>
public sealed partial class ConnectionStore(
    IDbContextFactory<DeskDbContext> dbFactory, IDataProtectionProvider protection, ConnectionTypes types, AuditTrail audit, IDeskEvents events, TimeProvider time)
{
    public const int MaxConfigBytes = 16 * 1024;

    private readonly IDataProtector _secrets = protection.CreateProtector("AutomationDesk.Connections.Secrets.v1");
    private readonly IDataProtector _tokens = protection.CreateProtector("AutomationDesk.Connections.Tokens.v1");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_\\-]{0,99}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public async Task<IReadOnlyList<ConnectionView>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Connections.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public async Task<ConnectionView?> GetAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, ct) is { } row ? View(row) : null;
    }

    public async Task<ConnectionView> CreateAsync(ConnectionInput input, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!IsValidName(input.Name))
        {
            throw DeskProblemException.InvalidField("name", "Letters, digits, _ and -, starting with a letter, at most 100 characters.");
        }
        if (await db.Connections.AnyAsync(c => c.Name == input.Name, ct))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Connection exists", $"A connection named '{input.Name}' already exists.");
        }
        var type = TypeOf(input.Type);
        var secrets = MergedSecrets(type, input.Secrets, stored: new Dictionary<string, string>());
        var config = CheckedConfig(type, input.Config);
        Check(type, new ConnectionSettings(input.Name, type.Name, config, secrets));
        var now = time.GetUtcNow();
        var row = new Connection
        {
            Id = Guid.CreateVersion7(now),
            Name = input.Name,
            Type = type.Name,
            ConfigJson = config.ToJsonString(),
            ProtectedSecrets = Protect(secrets),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Connections.Add(row);
        audit.Record(db, actor, "connection.create", $"connection:{row.Name}", new { type = row.Type });
        await db.SaveChangesAsync(ct);
        await events.ConnectionChangedAsync(row.Name, CancellationToken.None);
        return View(row);
    }

    /// <summary>Changes a connection's config and secrets (its name and type stay); its health is unknown until tested again.</summary>
    public async Task<ConnectionView?> UpdateAsync(string name, ConnectionInput input, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Connections.SingleOrDefaultAsync(c => c.Name == name, ct);
        if (row is null)
        {
            return null;
        }
        if (input.Type != row.Type)
        {
            throw DeskProblemException.InvalidField("type", $"A connection keeps its type ({row.Type}); create a new connection for another type.");
        }
        if (input.Name != row.Name)
        {
            throw DeskProblemException.InvalidField("name", "A connection keeps its name: workflows name it.");
        }
        var type = TypeOf(row.Type);
        var secrets = MergedSecrets(type, input.Secrets, Unprotect(row.ProtectedSecrets));
        var config = CheckedConfig(type, input.Config);
        Check(type, new ConnectionSettings(row.Name, type.Name, config, secrets));
        row.ConfigJson = config.ToJsonString();
        row.ProtectedSecrets = Protect(secrets);
        row.ProtectedTokens = null; // Tokens fetched with the old settings may not belong to the new ones.
        row.Health = ConnectionHealth.Unknown;
        row.HealthDetail = "Changed; not tested since.";
        row.UpdatedAt = time.GetUtcNow();
        audit.Record(db, actor, "connection.update", $"connection:{row.Name}");
        await db.SaveChangesAsync(ct);
        await events.ConnectionChangedAsync(row.Name, CancellationToken.None);
        return View(row);
    }

    /// <summary>Deletes a connection no workflow names; one in use is refused with the workflows that use it.</summary>
    public async Task<bool> DeleteAsync(string name, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Connections.SingleOrDefaultAsync(c => c.Name == name, ct);
        if (row is null)
        {
            return false;
        }
        var users = await UsedByAsync(db, name, ct);
        if (users.Count > 0)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Connection in use",
                $"The connection '{name}' is used by {string.Join(", ", users.Select(u => $"'{u}'"))}; change those workflows first.");
        }
        db.Connections.Remove(row);
        audit.Record(db, actor, "connection.delete", $"connection:{name}");
        await db.SaveChangesAsync(ct);
        await events.ConnectionChangedAsync(name, CancellationToken.None);
        return true;
    }

    /// <summary>The names of the workflows whose current definition names the connection.</summary>
    public async Task<IReadOnlyList<string>> UsedByAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await UsedByAsync(db, name, ct);
    }

    /// <summary>The connection with its secrets in clear, for a step or a test; null when there is none by that name.</summary>
    public async Task<ConnectionSettings?> ResolveAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, ct);
        return row is null ? null : new ConnectionSettings(row.Name, row.Type, ReadConfig(row.ConfigJson), Unprotect(row.ProtectedSecrets));
    }

    /// <summary>The clear secrets (and tokens) of the named connections that exist, for the run's masker.</summary>
    public async Task<IReadOnlyList<string>> SecretValuesAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Connections.AsNoTracking().Where(c => names.Contains(c.Name))
            .Select(c => new { c.ProtectedSecrets, c.ProtectedTokens }).ToListAsync(ct);
        var values = new List<string>();
        foreach (var row in rows)
        {
            values.AddRange(Unprotect(row.ProtectedSecrets).Values);
            if (row.ProtectedTokens is { } tokens && ReadTokens(tokens) is { } clear)
            {
                values.AddRange(clear.Select(t => JsonNodeText.TextOrNull(t.Value)).OfType<string>().Where(t => t.Length >= SecretStore.MinLength));
            }
        }
        return values;
    }

    /// <summary>Tokens the desk fetched for the connection (OAuth2), decrypted; null when there are none.</summary>
    public async Task<JsonObject?> TokensAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Connections.AsNoTracking().Where(c => c.Name == name).Select(c => c.ProtectedTokens).SingleOrDefaultAsync(ct);
        return stored is null ? null : ReadTokens(stored);
    }

    /// <summary>Keeps tokens the desk fetched for the connection, encrypted; null forgets them.</summary>
    public async Task SaveTokensAsync(string name, JsonObject? tokens, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var protectedTokens = tokens is null ? null : _tokens.Protect(tokens.ToJsonString());
        await db.Connections.Where(c => c.Name == name).ExecuteUpdateAsync(s => s.SetProperty(c => c.ProtectedTokens, protectedTokens), ct);
    }

    /// <summary>Keeps the outcome of a test as the connection's health.</summary>
    public async Task RecordHealthAsync(string name, ConnectionTestResult result, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var health = result.Ok ? ConnectionHealth.Ok : ConnectionHealth.Failing;
        var detail = result.Detail.Length > 1000 ? result.Detail[..1000] + "…" : result.Detail;
        var now = time.GetUtcNow();
        await db.Connections.Where(c => c.Name == name).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Health, health)
            .SetProperty(c => c.HealthDetail, detail)
            .SetProperty(c => c.LatencyMs, result.LatencyMs)
            .SetProperty(c => c.CheckedAt, now), ct);
        await events.ConnectionChangedAsync(name, CancellationToken.None);
    }

    private static async Task<IReadOnlyList<string>> UsedByAsync(DeskDbContext db, string name, CancellationToken ct)
    {
        // A cheap text filter first; then each candidate's definition is read to be sure the name is a connection there.
        var quoted = JsonSerializer.Serialize(name);
        var candidates = await db.Workflows.AsNoTracking().Where(w => w.DefinitionJson.Contains(quoted))
            .Select(w => new { w.Name, w.DefinitionJson }).ToListAsync(ct);
        return candidates.Where(c => ConnectionNames.In(c.DefinitionJson).Contains(name)).Select(c => c.Name).OrderBy(n => n).ToList();
    }

    private ConnectionType TypeOf(string name) => types.Find(name)
        ?? throw DeskProblemException.InvalidField("type", $"'{name}' is not a connection type. Known: {string.Join(", ", types.All.Select(t => t.Name).Order())}.");

    private static JsonObject CheckedConfig(ConnectionType type, JsonObject? config)
    {
        config ??= [];
        if (config.ToJsonString().Length > MaxConfigBytes)
        {
            throw DeskProblemException.InvalidField("config", $"At most {MaxConfigBytes / 1024} KiB.");
        }
        var known = type.ConfigFields.Select(f => f.Name).Append(ConnectionSettings.AllowPrivateNetworkField).ToHashSet(StringComparer.Ordinal);
        foreach (var (field, value) in config)
        {
            if (!known.Contains(field))
            {
                throw DeskProblemException.InvalidField($"config.{field}", $"Not a field of a {type.Name} connection; its fields are {string.Join(", ", known)}.");
            }
            if (value is JsonObject or JsonArray)
            {
                throw DeskProblemException.InvalidField($"config.{field}", "Must be text, a number or true/false.");
            }
        }
        return (JsonObject)config.DeepClone();
    }

    private static Dictionary<string, string> MergedSecrets(ConnectionType type, IReadOnlyDictionary<string, string?>? sent, IReadOnlyDictionary<string, string> stored)
    {
        var known = type.SecretFields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var merged = stored.Where(s => known.Contains(s.Key)).ToDictionary(StringComparer.Ordinal);
        foreach (var (field, value) in sent ?? new Dictionary<string, string?>())
        {
            if (!known.Contains(field))
            {
                throw DeskProblemException.InvalidField($"secrets.{field}", known.Count == 0
                    ? $"A {type.Name} connection has no secrets."
                    : $"Not a secret of a {type.Name} connection; its secrets are {string.Join(", ", known)}.");
            }
            if (value is null)
            {
                merged.Remove(field);
            }
            else if (value.Length > SecretStore.MaxLength)
            {
                throw DeskProblemException.InvalidField($"secrets.{field}", "At most 64 KiB of text.");
            }
            else if (value is not ("" or SecretMasker.Mask))
            {
                merged[field] = value;
            }
        }
        return merged;
    }

    private static void Check(ConnectionType type, ConnectionSettings settings)
    {
        var errors = type.Validate(settings).GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        if (errors.Count > 0)
        {
            throw new DeskProblemException(ProblemKind.Invalid, "Invalid connection",
                string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), errors);
        }
    }

    private string Protect(IReadOnlyDictionary<string, string> secrets) => _secrets.Protect(JsonSerializer.Serialize(secrets));

    /// <summary>
    /// The clear secrets; none when they were encrypted with a key this desk no longer has (a lost key ring), so the
    /// list, the health check and the other connections still work and this one's test fails until an Admin enters
    /// its secrets again.
    /// </summary>
    private Dictionary<string, string> Unprotect(string stored)
    {
        if (stored.Length == 0)
        {
            return new(StringComparer.Ordinal);
        }
        try
        {
            return new(JsonSerializer.Deserialize<Dictionary<string, string>>(_secrets.Unprotect(stored)) ?? [], StringComparer.Ordinal);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return new(StringComparer.Ordinal);
        }
    }

    private JsonObject? ReadTokens(string stored)
    {
        try
        {
            return JsonNode.Parse(_tokens.Unprotect(stored)) as JsonObject;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // Fetched under a key this desk no longer has: fetched again on the next call.
        }
    }

    private static JsonObject ReadConfig(string json) => JsonNode.Parse(json) as JsonObject ?? [];

    private ConnectionView View(Connection row)
    {
        var secretsSet = row.ProtectedSecrets.Length == 0 ? [] : Unprotect(row.ProtectedSecrets).Where(s => s.Value.Length > 0).Select(s => s.Key).Order().ToList();
        return new ConnectionView(row.Name, row.Type, ReadConfig(row.ConfigJson), secretsSet, row.Health, row.CheckedAt, row.HealthDetail, row.LatencyMs, row.CreatedAt, row.UpdatedAt);
    }
}
