using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using System.Text.RegularExpressions;

namespace AutomationDesk.Core.Security;

public sealed record SecretInfo(string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Named values encrypted at rest with Data Protection (keys in the same database, so a restart or a second node
/// reads them). Values go in and are used by runs; they are never handed back to a person.
/// </summary>
public sealed partial class SecretStore(IDbContextFactory<DeskDbContext> dbFactory, IDataProtectionProvider protection, AuditTrail audit, TimeProvider time)
{
    /// <summary>
    /// The shortest value a person may set: a shorter value would be masked wherever its letters happen to appear
    /// (and its base64 or URL fragments could not be told from other text).
    /// </summary>
    public const int MinLength = 8;

    public const int MaxLength = 64 * 1024;

    /// <summary>How long the masker of every secret is kept: another desk process may have changed a secret meanwhile.</summary>
    private static readonly TimeSpan EveryMaskerLife = TimeSpan.FromSeconds(30);

    private readonly IDataProtector _protector = protection.CreateProtector("AutomationDesk.Secrets.v1");
    private EveryMasker? _every;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_\\-]{0,99}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>What is wrong with a value a person wants to set, or null when it may be set.</summary>
    public static string? ValueProblem(string? value) => value switch
    {
        null or "" => $"Required: {MinLength} characters to 64 KiB of text.",
        { Length: < MinLength } => $"A secret is at least {MinLength} characters: a shorter value cannot be told apart from other text when it is masked.",
        { Length: > MaxLength } => "At most 64 KiB of text.",
        _ => null,
    };

    public async Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Secrets.OrderBy(s => s.Name).Select(s => new SecretInfo(s.Name, s.CreatedAt, s.UpdatedAt)).ToListAsync(ct);
    }

    /// <summary>Creates or replaces a secret. Returns true when it was new.</summary>
    public async Task<bool> SetAsync(string name, string value, Actor actor, CancellationToken ct)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a secret name: letters, digits, _ and -, starting with a letter.", nameof(name));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var secret = await db.Secrets.FindAsync([name], ct);
        var created = secret is null;
        if (secret is null)
        {
            secret = new Secret { Name = name, CreatedAt = now };
            db.Secrets.Add(secret);
        }
        secret.ProtectedValue = _protector.Protect(value);
        secret.UpdatedAt = now;
        audit.Record(db, actor, created ? "secret.create" : "secret.update", $"secret:{name}");
        await db.SaveChangesAsync(ct);
        _every = null;
        return created;
    }

    public async Task<bool> DeleteAsync(string name, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var secret = await db.Secrets.FindAsync([name], ct);
        if (secret is null)
        {
            return false;
        }
        db.Secrets.Remove(secret);
        audit.Record(db, actor, "secret.delete", $"secret:{name}");
        await db.SaveChangesAsync(ct);
        _every = null;
        return true;
    }

    /// <summary>The clear values of the named secrets that exist, for a run's templates.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RevealAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Secrets.AsNoTracking().Where(s => names.Contains(s.Name)).ToListAsync(ct);
        return rows.ToDictionary(s => s.Name, s => _protector.Unprotect(s.ProtectedValue), StringComparer.Ordinal);
    }

    /// <summary>
    /// A masker of every stored secret, for what outside senders bring (stored webhook requests): a sender may put one
    /// of the desk's secrets in a header, the query or the body. Kept briefly; a change made here rebuilds it at once.
    /// A value this desk can no longer decrypt is left out rather than failing the request.
    /// </summary>
    public async Task<SecretMasker> EveryMaskerAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Volatile.Read(ref _every) is { } known && known.Until > now)
        {
            return known.Masker;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Secrets.AsNoTracking().Select(s => s.ProtectedValue).ToListAsync(ct);
        var values = new List<string>(stored.Count);
        foreach (var value in stored)
        {
            try
            {
                values.Add(_protector.Unprotect(value));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Encrypted with a key this desk does not have: nothing of it can be masked or leaked here.
            }
        }
        var masker = new SecretMasker(values);
        Volatile.Write(ref _every, new EveryMasker(masker, now + EveryMaskerLife));
        return masker;
    }

    private sealed record EveryMasker(SecretMasker Masker, DateTimeOffset Until);
}
