using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Security;

/// <summary>
/// Encrypts, at start, the signing secrets a desk from before stored in clear: in workflows, their versions and inbox
/// sources. The stored text changes, not the version: the secret is the same.
/// </summary>
public sealed partial class SigningSecretEncryption(IDbContextFactory<DeskDbContext> dbFactory, SigningSecrets signing, ILogger<SigningSecretEncryption> logger)
{
    /// <summary>Encrypts every signing secret still stored in clear; answers how many rows changed.</summary>
    public async Task<int> EncryptStoredAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = 0;
        foreach (var workflow in await db.Workflows.Where(w => w.DefinitionJson.Contains("\"signature\"")).ToListAsync(ct))
        {
            if (Encrypt(workflow.DefinitionJson) is { } encrypted)
            {
                workflow.DefinitionJson = encrypted;
                changed++;
            }
        }
        foreach (var version in await db.WorkflowVersions.Where(v => v.DefinitionJson.Contains("\"signature\"")).ToListAsync(ct))
        {
            if (Encrypt(version.DefinitionJson) is { } encrypted)
            {
                version.DefinitionJson = encrypted;
                changed++;
            }
        }
        foreach (var source in await db.InboxSources.Where(s => s.Secret != "").ToListAsync(ct))
        {
            if (InClear(source.Secret))
            {
                source.Secret = signing.ForStorage(source.Secret, null)!;
                changed++;
            }
        }
        if (changed > 0)
        {
            await db.SaveChangesAsync(ct);
            Log.Encrypted(logger, changed);
        }
        return changed;
    }

    private static bool InClear(string secret) => secret.Length > 0 && !SigningSecrets.IsReference(secret) && !SigningSecrets.IsEncrypted(secret);

    /// <summary>The definition text with its signing secret encrypted; null when there was nothing to encrypt.</summary>
    private string? Encrypt(string definitionJson)
    {
        if (JsonNode.Parse(definitionJson) is not JsonObject definition
            || definition["trigger"]?["webhook"]?["signature"] is not JsonObject signature
            || signature["secret"] is not JsonValue secret || !secret.TryGetValue<string>(out var text) || !InClear(text))
        {
            return null;
        }
        signature["secret"] = signing.ForStorage(text, null);
        return definition.ToJsonString(DeskJson.Options);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} signing secret(s) were stored in clear; they are now encrypted")]
        public static partial void Encrypted(ILogger logger, int count);
    }
}
