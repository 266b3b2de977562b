using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Workflows;

/// <summary>What an import does with a workflow that is already in the desk.</summary>
public enum ImportStrategy
{
    /// <summary>A new version: the imported properties replace the stored ones, those the import leaves out stay.</summary>
    [JsonStringEnumMemberName("merge")]
    Merge,
    /// <summary>A new version that is exactly the imported definition.</summary>
    [JsonStringEnumMemberName("overwrite")]
    Overwrite,
    /// <summary>The stored workflow stays as it is.</summary>
    [JsonStringEnumMemberName("skip")]
    Skip,
}

public static class ImportActions
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Skipped = "skipped";
    public const string Invalid = "invalid";

    /// <summary>A connection of the file that this desk already has: left as it is.</summary>
    public const string Existing = "existing";
    /// <summary>A connection the file names that this desk lacks, not created because the importer is not an Admin.</summary>
    public const string Missing = "missing";
}

/// <summary>What the import did (or, in a dry run, would do) with one workflow of the file.</summary>
public sealed record ImportedWorkflow(
    int Index, string? Name, Guid? Id, string Action, bool Rewritten, int? Version,
    IReadOnlyList<string> Notes, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>What the import did (or would do) with one connection of an export file: created without secrets, or left as it is.</summary>
public sealed record ImportedConnection(
    int Index, string? Name, string? Type, string Action, IReadOnlyList<string> Notes, IReadOnlyDictionary<string, string[]> Errors);

public sealed record ImportReport(bool DryRun, ImportStrategy Strategy, IReadOnlyList<ImportedWorkflow> Workflows, IReadOnlyList<ImportedConnection> Connections)
{
    public bool Valid => Workflows.All(w => w.Errors.Count == 0) && Connections.All(c => c.Errors.Count == 0);

    /// <summary>Every problem, named <c>workflows[i].&lt;field&gt;</c> or <c>connections[i].&lt;field&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string[]> Errors =>
        Workflows.SelectMany(w => w.Errors).Concat(Connections.SelectMany(c => c.Errors)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
}

/// <summary>
/// Imports workflow definitions: one, a list, or an export file (<c>{ "workflows": [...] }</c>), each schemaVersion 1
/// or seed-era. An item with an <c>id</c> is the workflow with that id (created with it when it is new, so an export
/// keeps its ids); an item without one is the workflow with the same name. An export file's <c>connections</c> that this
/// desk does not have are created with their config and no secrets; those it has stay as they are. Every item is
/// checked before anything is written, and all of them are written in one transaction or none is.
/// </summary>
public sealed class WorkflowImporter(
    IDbContextFactory<DeskDbContext> dbFactory, WorkflowDefinitionReader reader, WorkflowStore store, ConnectionImport connectionImport, TimeProvider time)
{
    public const int MaxWorkflows = 200;

    private static readonly string[] ServerFields = ["id", "version", "createdAt", "updatedAt"];
    /// <summary>An export file's fields; a template file adds its <c>template</c> metadata, which an import passes over.</summary>
    private static readonly string[] ExportFields = ["workflows", "exportedAt", "connections", WorkflowTemplates.MetadataField];

    /// <param name="createConnections">
    /// Whether the connections the file names and the desk lacks are created (an Admin's import); otherwise they are
    /// reported as missing. Only an Admin creates connections, here as in the connections API.
    /// </param>
    public async Task<ImportReport> ImportAsync(string json, ImportStrategy strategy, bool dryRun, Actor actor, CancellationToken ct, bool createConnections = true)
    {
        var (items, connectionItems) = Items(json);
        var plans = items.Select(Read).ToList();
        FindRepeats(plans);
        await MatchAsync(plans, strategy, ct);
        var connections = await connectionImport.PlanAsync(connectionItems, createConnections, ct);
        var report = new ImportReport(dryRun, strategy, plans.Select(p => p.Result()).ToList(), connections.Report);
        if (dryRun || !report.Valid)
        {
            return report;
        }
        var writes = plans.Where(p => p.Action is ImportActions.Created or ImportActions.Updated)
            .Select(p => new WorkflowWrite(p.Id!.Value, p.Definition!, p.Action == ImportActions.Created, "workflow.import",
                new { result = p.Action, strategy = strategy.ToString().ToLowerInvariant(), rewritten = p.Rewritten }))
            .ToList();
        var saved = (await store.SaveAllAsync(writes, actor, ct, db => connectionImport.Add(db, connections, actor)))
            .ToDictionary(w => w["id"]!.GetValue<Guid>(), w => w["version"]!.GetValue<int>());
        await connectionImport.AnnounceAsync(connections);
        return report with
        {
            Workflows = report.Workflows.Select(w => w.Id is { } id && saved.TryGetValue(id, out var version) ? w with { Version = version } : w).ToList(),
        };
    }

    /// <summary>The items of the body, whatever its form, and an export file's connections; a body that is none of them is refused at <c>$</c>.</summary>
    private static (List<JsonNode?> Workflows, List<JsonNode?> Connections) Items(string json)
    {
        JsonNode? body;
        try
        {
            body = IncomingJson.Parse(json);
        }
        catch (JsonException e)
        {
            throw Refused("$", $"Malformed JSON at line {e.LineNumber + 1}: {e.Message.Split(" Path:")[0]}");
        }
        var items = body switch
        {
            JsonArray list => list.ToList(),
            JsonObject file when file.ContainsKey("workflows") => file["workflows"] is JsonArray list
                ? file.Select(p => p.Key).FirstOrDefault(k => !ExportFields.Contains(k)) is { } extra
                    ? throw Refused(extra, $"An export file holds workflows and exportedAt; '{extra}' has no place in it.")
                    : list.ToList()
                : throw Refused("workflows", "Must be a list of workflow definitions."),
            JsonObject one => [one],
            _ => throw Refused("$", "Send a workflow definition, a list of them, or an export file { \"workflows\": [...] }."),
        };
        var connections = body is JsonObject export && export.ContainsKey("workflows") && export.ContainsKey("connections")
            ? export["connections"] as JsonArray ?? throw Refused("connections", "Must be a list of connections { name, type, config, secrets }.")
            : [];
        return items.Count switch
        {
            0 => throw Refused("workflows", "There is nothing to import."),
            > MaxWorkflows => throw Refused("workflows", $"At most {MaxWorkflows} workflows in one import."),
            _ => (items, connections.ToList()),
        };
    }

    private Plan Read(JsonNode? item, int index)
    {
        var plan = new Plan(index);
        if (item is not JsonObject given)
        {
            plan.Error("", "A workflow definition is a JSON object.");
            return plan;
        }
        var definition = (JsonObject)given.DeepClone();
        if (SeedEraDefinition.IsSeedEra(given))
        {
            try
            {
                var rewrite = SeedEraDefinition.Rewrite(given);
                (definition, plan.Rewritten) = (rewrite.Definition, true);
                plan.Notes.AddRange(rewrite.Notes);
            }
            catch (WorkflowValidationException e)
            {
                plan.Errors(e.Errors, path => path);
                plan.Name = Text(given["name"]);
                return plan;
            }
        }
        plan.Name = Text(definition["name"]);
        if (definition["id"] is { } id)
        {
            if (Text(id) is { } text && Guid.TryParse(text, out var parsed) && parsed != Guid.Empty)
            {
                plan.GivenId = parsed;
            }
            else
            {
                plan.Error("id", $"{id.ToJsonString()} is not a workflow id (a GUID). Leave it out to match by name.");
            }
        }
        foreach (var field in ServerFields)
        {
            definition.Remove(field);
        }
        plan.Given = definition;
        try
        {
            plan.Definition = reader.Read(definition);
        }
        catch (WorkflowValidationException e)
        {
            plan.Errors(e.Errors, path => plan.Rewritten ? SeedEraDefinition.SeedPath(path, given) : path);
        }
        return plan;
    }

    private static void FindRepeats(List<Plan> plans)
    {
        foreach (var group in plans.Where(p => p.GivenId is not null).GroupBy(p => p.GivenId).Where(g => g.Count() > 1))
        {
            foreach (var repeat in group.Skip(1))
            {
                repeat.Error("id", $"workflows[{group.First().Index}] has this id too.");
            }
        }
        foreach (var group in plans.Where(p => p.GivenId is null && p.Name is not null).GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            foreach (var repeat in group.Skip(1))
            {
                repeat.Error("name", $"workflows[{group.First().Index}] has this name too: give each an id or another name.");
            }
        }
    }

    private async Task MatchAsync(List<Plan> plans, ImportStrategy strategy, CancellationToken ct)
    {
        var ids = plans.Where(p => p.GivenId is not null).Select(p => p.GivenId!.Value).ToList();
        var names = plans.Where(p => p.GivenId is null && p.Name is not null).Select(p => p.Name!).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Workflows.AsNoTracking().Where(w => ids.Contains(w.Id) || names.Contains(w.Name)).ToListAsync(ct);
        var now = time.GetUtcNow();
        foreach (var plan in plans.Where(p => p.Definition is not null))
        {
            var matches = plan.GivenId is { } id ? stored.Where(w => w.Id == id).ToList() : stored.Where(w => w.Name == plan.Name).ToList();
            if (matches.Count > 1)
            {
                plan.Error("name", $"{matches.Count} workflows are named '{plan.Name}': give the id of the one to import into.");
                continue;
            }
            if (matches.SingleOrDefault() is not { } existing)
            {
                (plan.Id, plan.Action) = (plan.GivenId ?? Guid.CreateVersion7(now), ImportActions.Created);
                continue;
            }
            plan.Id = existing.Id;
            if (strategy == ImportStrategy.Skip)
            {
                (plan.Action, plan.Version) = (ImportActions.Skipped, existing.Version);
                continue;
            }
            if (strategy == ImportStrategy.Merge && !TryMerge(plan, existing))
            {
                continue;
            }
            var changed = WorkflowStore.Canonical(plan.Definition!) != existing.DefinitionJson || plan.Definition!.Enabled != existing.Enabled;
            plan.Action = changed ? ImportActions.Updated : ImportActions.Unchanged;
            plan.Version = WorkflowStore.Canonical(plan.Definition!) != existing.DefinitionJson ? existing.Version + 1 : existing.Version;
        }
    }

    /// <summary>The stored definition with the imported properties laid over it; the stored enabled state stays unless the import says.</summary>
    private bool TryMerge(Plan plan, Workflow existing)
    {
        var merged = JsonNode.Parse(existing.DefinitionJson)!.AsObject();
        merged["enabled"] = existing.Enabled;
        foreach (var (name, value) in plan.Given!)
        {
            merged[name] = value?.DeepClone();
        }
        try
        {
            plan.Definition = reader.Read(merged);
            return true;
        }
        catch (WorkflowValidationException e)
        {
            plan.Errors(e.Errors, path => path);
            return false;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static WorkflowValidationException Refused(string path, string message) =>
        new(new Dictionary<string, string[]> { [path] = [message] });

    /// <summary>One item on its way through the import.</summary>
    private sealed class Plan(int index)
    {
        private readonly ValidationErrors _errors = new();

        public int Index { get; } = index;
        public string? Name { get; set; }
        public Guid? GivenId { get; set; }
        public Guid? Id { get; set; }
        public bool Rewritten { get; set; }
        public List<string> Notes { get; } = [];
        public JsonObject? Given { get; set; }
        public WorkflowDefinition? Definition { get; set; }
        public string Action { get; set; } = ImportActions.Invalid;
        public int? Version { get; set; }

        public void Error(string field, string message) =>
            _errors.Add(field.Length == 0 || field == "$" ? $"workflows[{Index}]" : $"workflows[{Index}].{field}", message);

        public void Errors(IReadOnlyDictionary<string, string[]> errors, Func<string, string> path)
        {
            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages)
                {
                    Error(path(field), message);
                }
            }
        }

        public ImportedWorkflow Result()
        {
            var errors = _errors.ToDictionary();
            return new ImportedWorkflow(Index, Name, errors.Count == 0 ? Id : GivenId, errors.Count == 0 ? Action : ImportActions.Invalid,
                Rewritten, errors.Count == 0 ? Version ?? 1 : null, Notes, errors);
        }
    }
}
