using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>The connections of an export file: what the import reports for each, and the copies it will create.</summary>
public sealed record ConnectionImportPlan(IReadOnlyList<ImportedConnection> Report, IReadOnlyList<ConnectionCopy> ToCreate);

/// <summary>
/// The connections part of a workflow import. A connection this desk does not have is created with the file's type and
/// config and empty secrets (its health unknown until an Admin sets them and tests it); one it has is left alone, whatever
/// the file says. Secret values in a file are never taken: an export carries none, and a hand-made file should not
/// smuggle credentials past the Admin-only connections API.
/// </summary>
public sealed class ConnectionImport(ConnectionStore store)
{
    private static readonly string[] ItemFields = ["name", "type", "config", "secrets"];

    public async Task<ConnectionImportPlan> PlanAsync(IReadOnlyList<JsonNode?> items, bool create, CancellationToken ct)
    {
        var read = items.Select(Read).ToList();
        var names = read.Where(r => r.Copy is not null).Select(r => r.Copy!.Name).ToList();
        var existing = names.Count == 0 ? new HashSet<string>() : await store.ExistingAsync(names, ct);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in read.Where(r => r.Copy is not null))
        {
            var copy = item.Copy!;
            if (seen.TryGetValue(copy.Name, out var first))
            {
                item.Error("name", $"connections[{first}] has this name too.");
                continue;
            }
            seen[copy.Name] = item.Index;
            if (existing.Contains(copy.Name))
            {
                item.Action = ImportActions.Existing;
                item.Notes.Add($"This desk has a connection '{copy.Name}' already: it is left as it is.");
                continue;
            }
            foreach (var (field, message) in store.ImportProblems(copy))
            {
                item.Error(field, message);
            }
            if (!create)
            {
                // An Editor's file must not choose where an Admin later types a password: the Admin creates it.
                item.Action = ImportActions.Missing;
                item.Notes.Add($"Not created: only an Admin creates connections. Ask one to create '{copy.Name}' ({copy.Type}) on the Connections page.");
                continue;
            }
            item.Action = ImportActions.Created;
            item.Notes.Add("Created without secrets: an Admin sets them on the Connections page, then tests it.");
            if (copy.Config[ConnectionSettings.AllowPrivateNetworkField] is not null)
            {
                item.Notes.Add("allowPrivateNetwork is not imported: an Admin turns it on for the connection.");
            }
        }
        var report = read.Select(r => r.Result()).ToList();
        var toCreate = read.Where(r => r.Copy is not null && r.Action == ImportActions.Created && r.Valid).Select(r => r.Copy!).ToList();
        return new ConnectionImportPlan(report, toCreate);
    }

    /// <summary>Adds the connections to create to the import's unit of work.</summary>
    public void Add(DeskDbContext db, ConnectionImportPlan plan, Actor actor) => store.AddImported(db, plan.ToCreate, actor);

    public Task AnnounceAsync(ConnectionImportPlan plan) => store.AnnounceAsync(plan.ToCreate.Select(c => c.Name));

    private static Item Read(JsonNode? node, int index)
    {
        var item = new Item(index);
        if (node is not JsonObject given)
        {
            item.Error("", "A connection is a JSON object { name, type, config, secrets }.");
            return item;
        }
        if (given.Select(p => p.Key).FirstOrDefault(k => !ItemFields.Contains(k)) is { } extra)
        {
            item.Error(extra, $"A connection holds name, type, config and secrets; '{extra}' has no place in it.");
        }
        item.Name = JsonNodeText.TextOrNull(given["name"]);
        item.Type = JsonNodeText.TextOrNull(given["type"]);
        if (item.Name is not { Length: > 0 })
        {
            item.Error("name", "Required: the name workflows use for the connection.");
        }
        if (item.Type is not { Length: > 0 })
        {
            item.Error("type", "Required: the connection's type (smtp, openai, http, ...).");
        }
        if (given["config"] is not (null or JsonObject))
        {
            item.Error("config", "Must be an object of the type's fields.");
        }
        if (given["secrets"] is not (null or JsonObject))
        {
            item.Error("secrets", "Must be an object of the type's secret fields, with empty values.");
        }
        else if (given["secrets"] is JsonObject secrets && secrets.Any(s => JsonNodeText.TextOrNull(s.Value) is { Length: > 0 }))
        {
            item.Notes.Add("Secret values in the file are not imported: an Admin sets them on the Connections page.");
        }
        if (item.Valid)
        {
            item.Copy = new ConnectionCopy(item.Name!, item.Type!, (JsonObject?)given["config"]?.DeepClone() ?? []);
        }
        return item;
    }

    /// <summary>One connection of the file on its way through the import.</summary>
    private sealed class Item(int index)
    {
        private readonly ValidationErrors _errors = new();

        public int Index { get; } = index;
        public string? Name { get; set; }
        public string? Type { get; set; }
        public ConnectionCopy? Copy { get; set; }
        public string Action { get; set; } = ImportActions.Invalid;
        public List<string> Notes { get; } = [];
        public bool Valid => !_errors.Any;

        public void Error(string field, string message) =>
            _errors.Add(field.Length == 0 ? $"connections[{Index}]" : $"connections[{Index}].{field}", message);

        public ImportedConnection Result() =>
            new(Index, Name, Type, Valid ? Action : ImportActions.Invalid, Notes, _errors.ToDictionary());
    }
}
