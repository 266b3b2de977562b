using System.Security.Cryptography;
using System.Text;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Security;

public sealed record ApiKeyInfo(Guid Id, string Name, string Prefix, string UserId, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);

/// <summary>API keys for scripts: 256 random bits, stored as a SHA-256 hash, shown once.</summary>
public sealed class ApiKeyStore(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, TimeProvider time)
{
    private const string KeyPrefix = "adk_";

    public async Task<CreatedApiKey> CreateAsync(string name, string userId, Actor actor, CancellationToken ct, string? presetKey = null)
    {
        var key = presetKey ?? KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var entity = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Prefix = key[..Math.Min(key.Length, 10)],
            Hash = Hash(key),
            UserId = userId,
            CreatedAt = now,
        };
        db.ApiKeys.Add(entity);
        audit.Record(db, actor, "apikey.create", $"apikey:{entity.Id}", new { name, userId });
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(Info(entity), key);
    }

    /// <summary>The user id a live key belongs to, or null. Marks the key used (at most once a minute).</summary>
    public async Task<(string UserId, string KeyName)?> ValidateAsync(string key, CancellationToken ct)
    {
        var hash = Hash(key);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.UserId, k.Name, k.LastUsedAt }).SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (found.LastUsedAt is null || now - found.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiKeys.Where(k => k.Id == found.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }
        return (found.UserId, found.Name);
    }

    public async Task<bool> RevokeAsync(Guid id, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, ct);
        if (key is null)
        {
            return false;
        }
        key.RevokedAt = time.GetUtcNow();
        audit.Record(db, actor, "apikey.revoke", $"apikey:{id}", new { key.Name });
        await db.SaveChangesAsync(ct);
        return true;
    }

    public static ApiKeyInfo Info(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.UserId, k.CreatedAt, k.LastUsedAt, k.RevokedAt);

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
