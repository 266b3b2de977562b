using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Workflows;

/// <summary>
/// Writes workflows as an export file, <c>{ "exportedAt", "workflows": [...], "connections": [...] }</c>, each workflow in
/// the shape GET answers, so the file can be imported back. Secrets leave only as <c>${secrets.name}</c> references: a
/// stored secret's value found anywhere in a definition becomes its reference, and a signing secret written literally
/// becomes <c>***</c>. The connections the workflows name go along with their config and empty secrets, so another desk
/// can make them and an Admin fills in the credentials.
/// </summary>
public sealed class WorkflowExporter(IDbContextFactory<DeskDbContext> dbFactory, SecretStore secrets, ConnectionStore connections, TimeProvider time)
{
    public const int MaxWorkflows = 500;

    public async Task<JsonObject> ExportAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var workflows = await FindAsync(ids, dbFactory, ct);
        var names = (await secrets.ListAsync(ct)).Select(s => s.Name).ToList();
        var values = (await secrets.RevealAsync(names, ct)).Where(s => s.Value.Length >= 3).OrderByDescending(s => s.Value.Length).ToList();
        var named = workflows.SelectMany(w => ConnectionNames.In(w.DefinitionJson)).ToHashSet(StringComparer.Ordinal);
        return new JsonObject
        {
            ["exportedAt"] = time.GetUtcNow(),
            ["workflows"] = new JsonArray(workflows.Select(w => (JsonNode)WithoutSecrets(WorkflowStore.Compose(w), values)).ToArray()),
            ["connections"] = new JsonArray((await connections.ExportAsync(named, ct)).Select(c => (JsonNode)c).ToArray()),
        };
    }

    /// <summary>The workflows with these ids, in the order given; an unknown or repeated id is refused by its place in the list.</summary>
    public static async Task<List<Workflow>> FindAsync(IReadOnlyList<Guid> ids, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        if (ids.Count is 0 or > MaxWorkflows)
        {
            throw DeskProblemException.InvalidField("ids", $"Give 1 to {MaxWorkflows} workflow ids.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.Workflows.AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var errors = new ValidationErrors();
        for (var i = 0; i < ids.Count; i++)
        {
            if (!found.ContainsKey(ids[i]))
            {
                errors.Add($"ids[{i}]", $"There is no workflow {ids[i]}.");
            }
            else if (ids.Take(i).Contains(ids[i]))
            {
                errors.Add($"ids[{i}]", $"Workflow {ids[i]} is named twice.");
            }
        }
        if (errors.Any)
        {
            throw new DeskProblemException(ProblemKind.Invalid, "Unknown workflows", string.Join(" ", errors.ToDictionary().Select(e => $"{e.Key}: {e.Value[0]}")), errors.ToDictionary());
        }
        return ids.Select(id => found[id]).ToList();
    }

    private static JsonObject WithoutSecrets(JsonObject workflow, List<KeyValuePair<string, string>> values)
    {
        var clean = (JsonObject)Replace(workflow, values)!;
        if (clean["trigger"]?["webhook"]?["signature"] is JsonObject signature
            && signature["secret"] is JsonValue secret && secret.TryGetValue<string>(out var text) && !text.Contains("${", StringComparison.Ordinal))
        {
            signature["secret"] = SecretMasker.Mask;
        }
        return clean;
    }

    private static JsonNode? Replace(JsonNode? node, List<KeyValuePair<string, string>> values) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Replace(p.Value, values)))),
        JsonArray array => new JsonArray(array.Select(item => Replace(item, values)).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var text) =>
            JsonValue.Create(values.Aggregate(text, (replaced, secret) => replaced.Replace(secret.Value, $"${{secrets.{secret.Key}}}", StringComparison.Ordinal))),
        _ => node.DeepClone(),
    };
}
