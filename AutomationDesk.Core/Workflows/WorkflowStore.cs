using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Triggers;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Workflows;

/// <summary>
/// Saves workflow definitions. Each save of a changed definition is a new version; the workflow row, its version
/// and the audit row commit together, so a refused or failed save leaves nothing behind.
/// A schedule workflow's recurring trigger follows each committed change through <see cref="IScheduleRegistry"/>.
/// </summary>
public sealed class WorkflowStore(
    IDbContextFactory<DeskDbContext> dbFactory, WorkflowDefinitionReader reader, AuditTrail audit, IScheduleRegistry schedules, SigningSecrets signing,
    TimeProvider time)
{
    private static readonly string[] ServerFields = ["id", "version", "createdAt", "updatedAt"];

    /// <summary>
    /// Saves a new workflow. A body read back from the API (with its id and version) is accepted as a copy, and keeps
    /// the signing secret of the workflow it was read from.
    /// </summary>
    public async Task<JsonObject> CreateAsync(string json, Actor actor, CancellationToken ct)
    {
        var definition = reader.Read(WithoutServerFields(json, null));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A copy keeps the signing secret of the workflow it was read from where it shows ***.
        var copiedId = IdIn(json);
        var copied = copiedId is null ? null : await db.Workflows.Where(w => w.Id == copiedId).Select(w => w.DefinitionJson).SingleOrDefaultAsync(ct);
        definition = signing.ForStorage(definition, copied);
        await CheckEventSourceAsync(db, definition, ct);
        await CheckMailboxAsync(db, definition, ct);
        var now = time.GetUtcNow();
        var workflow = new Workflow { Id = Guid.CreateVersion7(now), CreatedAt = now };
        Apply(workflow, definition, 1, now);
        db.Workflows.Add(workflow);
        db.WorkflowVersions.Add(NewVersion(workflow, actor, now));
        audit.Record(db, actor, "workflow.create", Target(workflow.Id), new { workflow.Name, workflow.Version });
        await db.SaveChangesAsync(ct);
        await SyncScheduleAsync(workflow.Id, false, workflow.TriggerType, ct);
        return Compose(workflow);
    }

    /// <summary>Saves a new definition; a version is added only when the definition changed. Null when not found.</summary>
    public async Task<JsonObject?> UpdateAsync(Guid id, string json, Actor actor, CancellationToken ct)
    {
        var definition = reader.Read(WithoutServerFields(json, id));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await CheckEventSourceAsync(db, definition, ct);
        await CheckMailboxAsync(db, definition, ct);
        var workflow = await db.Workflows.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (workflow is null)
        {
            return null;
        }
        definition = signing.ForStorage(definition, workflow.DefinitionJson);
        var now = time.GetUtcNow();
        var changed = Canonical(definition) != workflow.DefinitionJson;
        var enabledChanged = workflow.Enabled != definition.Enabled;
        if (!changed && !enabledChanged)
        {
            return Compose(workflow);
        }
        var wasSchedule = workflow.TriggerType == TriggerTypes.Schedule;
        Apply(workflow, definition, changed ? workflow.Version + 1 : workflow.Version, now);
        if (changed)
        {
            db.WorkflowVersions.Add(NewVersion(workflow, actor, now));
        }
        audit.Record(db, actor, "workflow.update", Target(id), new { workflow.Name, workflow.Version, workflow.Enabled });
        await db.SaveChangesAsync(ct);
        await SyncScheduleAsync(id, wasSchedule, workflow.TriggerType, ct);
        return Compose(workflow);
    }

    /// <summary>Makes an old version current again, as a new version. Null when the workflow or version is unknown.</summary>
    public async Task<JsonObject?> RestoreAsync(Guid id, int version, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Workflows.SingleOrDefaultAsync(w => w.Id == id, ct);
        var old = await db.WorkflowVersions.AsNoTracking().SingleOrDefaultAsync(v => v.WorkflowId == id && v.Version == version, ct);
        if (workflow is null || old is null)
        {
            return null;
        }
        if (old.DefinitionJson == workflow.DefinitionJson)
        {
            return Compose(workflow);
        }
        var definition = signing.ForStorage(reader.Read(old.DefinitionJson), old.DefinitionJson) with { Enabled = workflow.Enabled };
        var wasSchedule = workflow.TriggerType == TriggerTypes.Schedule;
        var now = time.GetUtcNow();
        Apply(workflow, definition, workflow.Version + 1, now);
        db.WorkflowVersions.Add(NewVersion(workflow, actor, now));
        audit.Record(db, actor, "workflow.restore", Target(id), new { restoredVersion = version, workflow.Version });
        await db.SaveChangesAsync(ct);
        await SyncScheduleAsync(id, wasSchedule, workflow.TriggerType, ct);
        return Compose(workflow);
    }

    public async Task<JsonObject?> SetEnabledAsync(Guid id, bool enabled, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Workflows.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (workflow is null)
        {
            return null;
        }
        if (workflow.Enabled != enabled)
        {
            workflow.Enabled = enabled;
            workflow.UpdatedAt = time.GetUtcNow();
            audit.Record(db, actor, enabled ? "workflow.enable" : "workflow.disable", Target(id), new { workflow.Name });
            await db.SaveChangesAsync(ct);
            await SyncScheduleAsync(id, false, workflow.TriggerType, ct);
        }
        return Compose(workflow);
    }

    /// <summary>Deletes a workflow and its versions. Its past executions stay, for history.</summary>
    public async Task<bool> DeleteAsync(Guid id, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workflow = await db.Workflows.SingleOrDefaultAsync(w => w.Id == id, ct);
        if (workflow is null)
        {
            return false;
        }
        db.Workflows.Remove(workflow);
        audit.Record(db, actor, "workflow.delete", Target(id), new { workflow.Name, workflow.Version });
        await db.SaveChangesAsync(ct);
        await SyncScheduleAsync(id, workflow.TriggerType == TriggerTypes.Schedule, TriggerTypes.Manual, ct);
        return true;
    }

    /// <summary>
    /// Saves several definitions in one transaction (an import): each write creates its workflow or adds a version
    /// to it. Nothing is written when one of them cannot be. <paramref name="alongside"/> adds other rows to the same
    /// transaction (the connections an import brings).
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> SaveAllAsync(
        IReadOnlyList<WorkflowWrite> writes, Actor actor, CancellationToken ct, Action<DeskDbContext>? alongside = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var ids = writes.Select(w => w.Id).ToList();
        var existing = await db.Workflows.Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var saved = new List<JsonObject>();
        foreach (var write in writes)
        {
            var found = existing.TryGetValue(write.Id, out var workflow);
            var definition = signing.ForStorage(write.Definition, workflow?.DefinitionJson);
            if (found == write.Create)
            {
                throw new DeskProblemException(ProblemKind.Conflict, "Workflows changed meanwhile",
                    $"Workflow {write.Id} was {(write.Create ? "created" : "deleted")} while the import was being checked: import again.");
            }
            if (workflow is null)
            {
                workflow = new Workflow { Id = write.Id, CreatedAt = now };
                Apply(workflow, definition, 1, now);
                db.Workflows.Add(workflow);
                db.WorkflowVersions.Add(NewVersion(workflow, actor, now));
            }
            else
            {
                var changed = Canonical(definition) != workflow.DefinitionJson;
                Apply(workflow, definition, changed ? workflow.Version + 1 : workflow.Version, now);
                if (changed)
                {
                    db.WorkflowVersions.Add(NewVersion(workflow, actor, now));
                }
            }
            audit.Record(db, actor, write.AuditAction, Target(workflow.Id), new { workflow.Name, workflow.Version, write.Details });
            saved.Add(Compose(workflow));
        }
        alongside?.Invoke(db);
        await db.SaveChangesAsync(ct);
        return saved;
    }

    public async Task<JsonObject?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Workflows.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, ct) is { } workflow ? Compose(workflow) : null;
    }

    /// <summary>An event trigger must name a workflow that exists (itself included: a loop is cut by the chain limit).</summary>
    private static async Task CheckEventSourceAsync(DeskDbContext db, WorkflowDefinition definition, CancellationToken ct)
    {
        if (definition.Trigger.Event is { } trigger && !await db.Workflows.AnyAsync(w => w.Id == trigger.WorkflowId, ct))
        {
            throw new WorkflowValidationException(new Dictionary<string, string[]>
            {
                ["trigger.event.workflowId"] = [$"There is no workflow {trigger.WorkflowId}: an event trigger names the workflow whose runs start this one."],
            });
        }
    }

    /// <summary>
    /// An email trigger's connection, when it exists, must be an imap one. A missing one is allowed (an import or a
    /// template names it before an Admin adds it): each poll then says it is missing.
    /// </summary>
    private static async Task CheckMailboxAsync(DeskDbContext db, WorkflowDefinition definition, CancellationToken ct)
    {
        if (definition.Trigger.Email is { } trigger
            && await db.Connections.Where(c => c.Name == trigger.Connection).Select(c => c.Type).SingleOrDefaultAsync(ct) is { } type
            && type != Connections.ImapConnection.TypeName)
        {
            throw new WorkflowValidationException(new Dictionary<string, string[]>
            {
                ["trigger.email.connection"] = [$"'{trigger.Connection}' is a {type} connection: an email trigger reads an {Connections.ImapConnection.TypeName} connection."],
            });
        }
    }

    /// <summary>
    /// The definition without the fields the desk owns, so what GET answers can be sent back. An <c>id</c> that names
    /// another workflow than the one being saved is refused rather than ignored.
    /// </summary>
    private static string WithoutServerFields(string json, Guid? saving)
    {
        JsonObject body;
        try
        {
            if (IncomingJson.Parse(json) is not JsonObject parsed || !ServerFields.Any(parsed.ContainsKey))
            {
                return json;
            }
            body = parsed;
        }
        catch (JsonException)
        {
            return json; // The reader names what is malformed.
        }
        if (saving is { } id && body["id"] is JsonValue given && (!given.TryGetValue<string>(out var text) || !Guid.TryParse(text, out var bodyId) || bodyId != id))
        {
            throw new WorkflowValidationException(new Dictionary<string, string[]> { ["id"] = [$"The body is workflow {given.ToJsonString()}, the address names {id}."] });
        }
        foreach (var field in ServerFields)
        {
            body.Remove(field);
        }
        return body.ToJsonString();
    }

    private static Guid? IdIn(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject body && body["id"] is JsonValue id && id.TryGetValue<string>(out var text) && Guid.TryParse(text, out var parsed)
                ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The API shape: the definition plus id, version, createdAt and updatedAt; a signing secret shows as <c>***</c>.</summary>
    public static JsonObject Compose(Workflow workflow)
    {
        var result = new JsonObject
        {
            ["id"] = workflow.Id,
            ["version"] = workflow.Version,
            ["createdAt"] = workflow.CreatedAt,
            ["updatedAt"] = workflow.UpdatedAt,
        };
        foreach (var (name, value) in JsonNode.Parse(workflow.DefinitionJson)!.AsObject())
        {
            result[name] = value?.DeepClone();
        }
        result["enabled"] = workflow.Enabled;
        return SigningSecrets.Masked(result);
    }

    /// <summary>The stored text of a definition: normalised, without the operational <c>enabled</c> flag.</summary>
    public static string Canonical(WorkflowDefinition definition)
    {
        var node = JsonSerializer.SerializeToNode(definition, DeskJson.Options)!.AsObject();
        node.Remove("enabled");
        return node.ToJsonString(DeskJson.Options);
    }

    private static void Apply(Workflow workflow, WorkflowDefinition definition, int version, DateTimeOffset now)
    {
        workflow.Name = definition.Name;
        workflow.Description = definition.Description;
        workflow.Tags = definition.Tags.ToList();
        workflow.Enabled = definition.Enabled;
        workflow.TriggerType = definition.Trigger.Type;
        if (definition.Trigger.Type == TriggerTypes.Webhook)
        {
            workflow.WebhookToken ??= WebhookTokens.New();
        }
        workflow.DefinitionJson = Canonical(definition);
        workflow.Version = version;
        workflow.UpdatedAt = now;
    }

    private static WorkflowVersion NewVersion(Workflow workflow, Actor actor, DateTimeOffset now) => new()
    {
        WorkflowId = workflow.Id,
        Version = workflow.Version,
        DefinitionJson = workflow.DefinitionJson,
        CreatedAt = now,
        CreatedBy = actor.Name,
    };

    private static string Target(Guid id) => $"workflow:{id}";

    /// <summary>Only a workflow that is, or just stopped being, a schedule has a recurring trigger to add or remove.</summary>
    private async Task SyncScheduleAsync(Guid id, bool wasSchedule, string triggerType, CancellationToken ct)
    {
        if (wasSchedule || triggerType == TriggerTypes.Schedule)
        {
            await schedules.SyncAsync(id, ct);
        }
    }
}

/// <summary>One definition of a batch save: a new workflow with this id, or a new version of the existing one.</summary>
public sealed record WorkflowWrite(Guid Id, WorkflowDefinition Definition, bool Create, string AuditAction, object? Details);
