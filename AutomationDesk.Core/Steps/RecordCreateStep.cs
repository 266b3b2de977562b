using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Records;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Stores a JSON record in a named collection. The record id comes from the run and step, so running the step
/// again (a retry, a resume after a crash) finds the record it wrote instead of writing a second one. Secrets in the
/// data are stored masked.
/// </summary>
[StepType("record.create", Label = "Create record", Category = StepCategory.Data, Summary = "Stores a record in one of the desk's collections.", HasSideEffects = true)]
public sealed class RecordCreateStep(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider time) : IStep<RecordCreateConfig>
{
    public async Task<StepResult> ExecuteAsync(RecordCreateConfig config, StepContext context, CancellationToken ct)
    {
        var id = StableId.For("record", context);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (record is null)
        {
            // Names are checked against the rule when the workflow is saved; a collection named before the rule
            // existed ("Orders") keeps taking records, so an upgrade does not stop the workflows that write to it.
            if (!CollectionNameAttribute.IsValid(config.Collection) && !await db.Records.AnyAsync(r => r.Collection == config.Collection, ct))
            {
                throw new StepConfigException([("config.collection", CollectionNameAttribute.Rule)]);
            }
            record = new CollectionRecord
            {
                Id = id,
                Collection = config.Collection,
                DataJson = context.Masker.Apply(config.Data)!.ToJsonString(),
                CreatedAt = time.GetUtcNow(),
                ExecutionId = context.ExecutionId,
            };
            db.Records.Add(record);
            await db.SaveChangesAsync(ct);
        }
        return StepResult.Done(new JsonObject
        {
            ["id"] = record.Id,
            ["collection"] = record.Collection,
            ["createdAt"] = record.CreatedAt,
            ["data"] = JsonNode.Parse(record.DataJson),
        });
    }
}

public sealed record RecordCreateConfig : IValidatableConfig
{
    [CollectionName]
    public required string Collection { get; init; }
    public required JsonNode Data { get; init; }

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (string.IsNullOrWhiteSpace(Collection) || Collection.Length > CollectionNameAttribute.MaxLength)
        {
            yield return ("collection", CollectionNameAttribute.Rule);
        }
        if (Data is not JsonObject)
        {
            yield return ("data", "A record is a JSON object.");
        }
    }
}
