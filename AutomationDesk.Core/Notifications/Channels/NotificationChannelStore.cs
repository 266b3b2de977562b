using System.Net.Mail;
using System.Text.Json;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>What its owner sees of a channel: the URL only as <see cref="Target"/> (host and a masked path).</summary>
public sealed record NotificationChannelView(
    Guid Id, string Name, ChannelKind Kind, string Target, string? Connection, bool SigningSecretSet,
    IReadOnlyList<NotificationType> Types, NotificationPriority MinPriority, bool Enabled, DateTimeOffset CreatedAt);

/// <summary>
/// What a person sends to create or change a channel. On an update, <see cref="Url"/> and <see cref="SigningSecret"/>
/// left out, empty or sent as <c>***</c> keep the stored value (the form never has them); a signing secret sent as
/// JSON null on a PUT cannot be told from one left out, so <see cref="ClearSigningSecret"/> removes it.
/// </summary>
public sealed record NotificationChannelInput(
    string? Name, ChannelKind? Kind, string? Url = null, string? Address = null, string? Connection = null, string? SigningSecret = null,
    IReadOnlyList<NotificationType>? Types = null, NotificationPriority? MinPriority = null, bool? Enabled = null, bool ClearSigningSecret = false);

/// <summary>
/// Each person's channels: only the owner lists, changes or tests them (another person's id answers as not found).
/// URLs and signing secrets are encrypted by Data Protection, like connection secrets, and leave in clear only for a send.
/// </summary>
public sealed class NotificationChannelStore(
    IDbContextFactory<DeskDbContext> dbFactory, IDataProtectionProvider protection, ConnectionStore connections, AuditTrail audit, TimeProvider time)
{
    public const int MaxName = 100;
    public const int MaxUrl = 2000;
    public const int MinSigningSecret = 16;
    public const string SmtpConnectionType = SmtpConnection.TypeName;

    private readonly IDataProtector _protector = protection.CreateProtector("AutomationDesk.NotificationChannels.Targets.v1");

    private sealed record Secrets(string Url, string? SigningSecret);

    public async Task<IReadOnlyList<NotificationChannelView>> ListAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.NotificationChannels.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.Name).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public async Task<NotificationChannelView?> GetAsync(string userId, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.NotificationChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, ct) is { } row ? View(row) : null;
    }

    public async Task<NotificationChannelView> CreateAsync(string userId, NotificationChannelInput input, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = new NotificationChannel { Id = Guid.CreateVersion7(time.GetUtcNow()), UserId = userId, CreatedAt = time.GetUtcNow() };
        await ApplyAsync(db, row, input, stored: null, ct);
        db.NotificationChannels.Add(row);
        audit.Record(db, actor, "notification-channel.create", $"notification-channel:{row.Id}", new { row.Name, kind = row.Kind.ToString() });
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    /// <summary>Changes the caller's channel; null when they have none with that id. The kind stays.</summary>
    public async Task<NotificationChannelView?> UpdateAsync(string userId, Guid id, NotificationChannelInput input, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.NotificationChannels.SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, ct) is not { } row)
        {
            return null;
        }
        if (input.Kind is { } kind && kind != row.Kind)
        {
            throw DeskProblemException.InvalidField("kind", $"A channel keeps its kind ({row.Kind.ToString().ToLowerInvariant()}); add a new channel for another kind.");
        }
        await ApplyAsync(db, row, input with { Kind = row.Kind }, row.ProtectedSecrets.Length == 0 ? null : Unprotect(row.ProtectedSecrets), ct);
        audit.Record(db, actor, "notification-channel.update", $"notification-channel:{row.Id}", new { row.Name });
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    /// <summary>Deletes the caller's channel and its deliveries; false when they have none with that id.</summary>
    public async Task<bool> DeleteAsync(string userId, Guid id, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.NotificationChannels.SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, ct) is not { } row)
        {
            return false;
        }
        db.NotificationChannels.Remove(row);
        audit.Record(db, actor, "notification-channel.delete", $"notification-channel:{row.Id}", new { row.Name });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Where the channel sends, with its URL and signing secret in clear, for one send.</summary>
    public ChannelTarget TargetOf(NotificationChannel channel)
    {
        var secrets = channel.ProtectedSecrets.Length == 0 ? null : Unprotect(channel.ProtectedSecrets);
        return new ChannelTarget(channel.Name, channel.Kind, secrets?.Url, secrets?.SigningSecret, channel.Address, channel.ConnectionName);
    }

    /// <summary>What may be shown of a URL: scheme, host and port, the path masked (it holds the credential).</summary>
    public static string Masked(string url) => ChannelPost.HostOf(url) + "/" + SecretMasker.Mask;

    private async Task ApplyAsync(DeskDbContext db, NotificationChannel row, NotificationChannelInput input, Secrets? stored, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > MaxName)
        {
            Fail("name", $"Give the channel a name of at most {MaxName} characters, e.g. \"Ops Slack\".");
        }
        else if (await db.NotificationChannels.AnyAsync(c => c.UserId == row.UserId && c.Name == name && c.Id != row.Id, ct))
        {
            Fail("name", $"You already have a channel named '{name}'.");
        }
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            Fail("kind", "Choose one of email, slack, teams, discord, webhook.");
            throw Invalid(errors);
        }
        var given = (string? value) => value is { Length: > 0 } and not SecretMasker.Mask ? value.Trim() : null;
        if (kind == ChannelKind.Email)
        {
            foreach (var (field, value) in new[] { ("url", input.Url), ("signingSecret", input.SigningSecret) })
            {
                if (given(value) is not null)
                {
                    Fail(field, "An email channel has no URL or signing secret; give its address.");
                }
            }
            var address = input.Address?.Trim() ?? "";
            if (!MailAddress.TryCreate(address, out var mail) || mail.Address != address || address.Length > 254)
            {
                Fail("address", "Give one email address, e.g. ops@example.com.");
            }
            var connection = input.Connection is { Length: > 0 } c ? c.Trim() : null;
            if (connection is not null)
            {
                var found = await connections.GetAsync(connection, ct);
                if (found is null)
                {
                    Fail("connection", $"There is no connection named '{connection}'; leave it empty to use the desk's default email connection.");
                }
                else if (found.Type != SmtpConnectionType)
                {
                    Fail("connection", $"The connection '{connection}' is a {found.Type} connection; an email channel needs an smtp connection.");
                }
            }
            row.Address = address;
            row.ConnectionName = connection;
            row.ProtectedSecrets = "";
            row.TargetHint = address;
        }
        else
        {
            foreach (var (field, value) in new[] { ("address", input.Address), ("connection", input.Connection) })
            {
                if (value is { Length: > 0 })
                {
                    Fail(field, $"A {kind.ToString().ToLowerInvariant()} channel sends to its URL; only an email channel has an {field}.");
                }
            }
            var url = given(input.Url) ?? stored?.Url;
            if (url is null)
            {
                Fail("url", $"Give the {kind} webhook URL.");
            }
            else if (url.Length > MaxUrl || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0)
            {
                Fail("url", $"Give the whole webhook URL, starting with https://, at most {MaxUrl} characters.");
            }
            var signing = input.ClearSigningSecret ? null : given(input.SigningSecret) ?? stored?.SigningSecret;
            if (kind != ChannelKind.Webhook && given(input.SigningSecret) is not null)
            {
                Fail("signingSecret", "Only a generic webhook signs what it sends.");
            }
            else if (signing is { Length: < MinSigningSecret })
            {
                Fail("signingSecret", $"At least {MinSigningSecret} characters, so the signature cannot be guessed.");
            }
            if (url is not null && !errors.ContainsKey("url"))
            {
                row.ProtectedSecrets = _protector.Protect(JsonSerializer.Serialize(new Secrets(url, kind == ChannelKind.Webhook ? signing : null)));
                row.TargetHint = Masked(url);
            }
            row.Address = null;
            row.ConnectionName = null;
        }
        if ((input.Types ?? []).Where(t => !Enum.IsDefined(t)).Select(t => (NotificationType?)t).FirstOrDefault() is { } unknown)
        {
            Fail("types", $"'{unknown}' is not a notification type; choose from {string.Join(", ", Enum.GetNames<NotificationType>())}.");
        }
        if (input.MinPriority is { } min && !Enum.IsDefined(min))
        {
            Fail("minPriority", $"Choose one of {string.Join(", ", Enum.GetNames<NotificationPriority>())}.");
        }
        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }
        row.Name = name;
        row.Kind = kind;
        row.Types = NotificationChannel.WriteTypes(input.Types ?? []);
        row.MinPriority = input.MinPriority ?? NotificationPriority.Low;
        row.Enabled = input.Enabled ?? true;
    }

    private static DeskProblemException Invalid(Dictionary<string, string[]> errors) => new(ProblemKind.Invalid, "Invalid notification channel",
        string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), errors);

    private Secrets Unprotect(string stored) => JsonSerializer.Deserialize<Secrets>(_protector.Unprotect(stored))!;

    private NotificationChannelView View(NotificationChannel row) => new(
        row.Id, row.Name, row.Kind, row.TargetHint, row.ConnectionName,
        row.Kind == ChannelKind.Webhook && row.ProtectedSecrets.Length > 0 && Unprotect(row.ProtectedSecrets).SigningSecret is not null,
        row.WantedTypes, row.MinPriority, row.Enabled, row.CreatedAt);
}
