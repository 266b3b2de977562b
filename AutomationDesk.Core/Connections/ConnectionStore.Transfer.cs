using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Connections;

/// <summary>A connection as an export file carries it: its type and config, never a secret value.</summary>
public sealed record ConnectionCopy(string Name, string Type, JsonObject Config);

/// <summary>Export and import of connections beside the workflows that name them.</summary>
public sealed partial class ConnectionStore
{
    public const string ImportedDetail = "Imported without its secrets; set them, then test.";

    /// <summary>
    /// The named connections that exist, as export items <c>{ name, type, config, secrets: { field: "" } }</c>: the
    /// secret fields are listed so the person importing sees what to fill in, with empty values.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> ExportAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Connections.AsNoTracking().Where(c => names.Contains(c.Name)).OrderBy(c => c.Name).ToListAsync(ct);
        return rows.Select(row => new JsonObject
        {
            ["name"] = row.Name,
            ["type"] = row.Type,
            ["config"] = ReadConfig(row.ConfigJson),
            ["secrets"] = new JsonObject(SecretFieldsOf(row).Select(field => KeyValuePair.Create(field, (JsonNode?)JsonValue.Create("")))),
        }).ToList();
    }

    /// <summary>The names among these that are already connections here.</summary>
    public async Task<IReadOnlySet<string>> ExistingAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Connections.AsNoTracking().Where(c => names.Contains(c.Name)).Select(c => c.Name).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// What stops a copy from being created here, each naming its field: the name, an unknown type, a config field the
    /// type does not have or a value it refuses. Secrets are not asked for: an imported connection has none yet.
    /// </summary>
    public IReadOnlyList<(string Field, string Message)> ImportProblems(ConnectionCopy copy)
    {
        if (!IsValidName(copy.Name))
        {
            return [("name", $"'{copy.Name}' is not a connection name: letters, digits, _ and -, starting with a letter, at most 100.")];
        }
        if (types.Find(copy.Type) is not { } type)
        {
            return [("type", $"'{copy.Type}' is not a connection type on this desk. Known: {string.Join(", ", types.All.Select(t => t.Name).Order())}.")];
        }
        JsonObject config;
        try
        {
            config = CheckedConfig(type, copy.Config);
        }
        catch (DeskProblemException e) when (e.Errors is { } errors)
        {
            return errors.SelectMany(error => error.Value.Select(message => (error.Key, message))).ToList();
        }
        return type.Validate(new ConnectionSettings(copy.Name, type.Name, config, new Dictionary<string, string>()))
            .Where(problem => !problem.Field.StartsWith("secrets.", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>
    /// Adds the copies as new connections with empty secrets and unknown health to a unit of work the caller saves, so
    /// they are written with the workflows that name them or not at all. Call <see cref="AnnounceAsync"/> once saved.
    /// </summary>
    public void AddImported(DeskDbContext db, IReadOnlyList<ConnectionCopy> copies, Actor actor)
    {
        var now = time.GetUtcNow();
        foreach (var copy in copies)
        {
            var config = (JsonObject)copy.Config.DeepClone();
            // An import may come from anyone who may write workflows; reaching an internal network is an Admin's decision.
            config.Remove(ConnectionSettings.AllowPrivateNetworkField);
            db.Connections.Add(new Connection
            {
                Id = Guid.CreateVersion7(now),
                Name = copy.Name,
                Type = copy.Type,
                ConfigJson = config.ToJsonString(),
                ProtectedSecrets = Protect(new Dictionary<string, string>()),
                HealthDetail = ImportedDetail,
                CreatedAt = now,
                UpdatedAt = now,
            });
            audit.Record(db, actor, "connection.import", $"connection:{copy.Name}", new { type = copy.Type });
        }
    }

    /// <summary>Tells open pages about connections written outside this store's own methods.</summary>
    public async Task AnnounceAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            await events.ConnectionChangedAsync(name, CancellationToken.None);
        }
    }

    private IEnumerable<string> SecretFieldsOf(Connection row) => types.Find(row.Type) is { } type
        ? type.SecretFields.Select(f => f.Name)
        : Unprotect(row.ProtectedSecrets).Keys.Order(StringComparer.Ordinal);
}
