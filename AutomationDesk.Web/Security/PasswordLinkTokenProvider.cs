using System.Security.Cryptography;
using System.Text;
using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace AutomationDesk.Web.Security;

/// <summary>
/// The token of a set-password link. It is stored nowhere: it carries the user's id, when it was made and their
/// security stamp, encrypted and signed with the desk's data-protection keys. It holds for <see cref="Lifetime"/> by the
/// desk's clock (Identity's own provider reads the machine clock), and only while the stamp is unchanged: setting the
/// password, a newer link, a reset or a deactivation each change the stamp, so a link works once.
/// </summary>
public sealed class PasswordLinkTokenProvider(IDataProtectionProvider protection, TimeProvider time) : IUserTwoFactorTokenProvider<DeskUser>
{
    public const string Name = "PasswordLink";

    /// <summary>How long a person has to open the link an admin gave them.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private const char Separator = '\n';

    private readonly IDataProtector _protector = protection.CreateProtector("AutomationDesk.PasswordLink");

    public async Task<string> GenerateAsync(string purpose, UserManager<DeskUser> manager, DeskUser user)
    {
        var stamp = await manager.GetSecurityStampAsync(user);
        var payload = string.Join(Separator, user.Id, purpose, time.GetUtcNow().ToUnixTimeMilliseconds(), stamp);
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<DeskUser> manager, DeskUser user)
    {
        if (Read(token) is not { } parts || parts[0] != user.Id || parts[1] != purpose || !long.TryParse(parts[2], out var madeAt))
        {
            return false;
        }
        if (DateTimeOffset.FromUnixTimeMilliseconds(madeAt) + Lifetime <= time.GetUtcNow())
        {
            return false;
        }
        var stamp = await manager.GetSecurityStampAsync(user);
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(parts[3]), Encoding.UTF8.GetBytes(stamp));
    }

    /// <summary>The id of the user a token was made for, or null for a token that is not one of the desk's.</summary>
    public string? UserIdOf(string token) => Read(token)?[0];

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<DeskUser> manager, DeskUser user) => Task.FromResult(false);

    private string[]? Read(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split(Separator);
            return parts.Length == 4 ? parts : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
