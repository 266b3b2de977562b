using AutomationDesk.Core;
using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.Identity;

namespace AutomationDesk.Web.Security;

/// <summary>A one-time address where a person sets their password, and until when it works.</summary>
public sealed record PasswordLink(Uri Url, DateTimeOffset ExpiresAt);

/// <summary>What opening a set-password link came to.</summary>
public enum PasswordSetOutcome
{
    Set,

    /// <summary>The link is not one of the desk's, was used already, was replaced by a newer one, or is older than a week.</summary>
    LinkInvalid,

    /// <summary>The password breaks the rules; the errors say which.</summary>
    PasswordRefused,
}

/// <summary>
/// Invitations and password resets: instead of an admin typing someone's password, the desk makes a one-time link
/// (<c>/account/set-password?token=…</c>) the admin passes on, and the person chooses their own password there. The
/// users page and the users API both come here, so the rules are the same in both.
/// </summary>
public static class PasswordLinks
{
    public const string Path = "/account/set-password";

    /// <summary>The rules Identity checks, in words for the set-password page.</summary>
    public const string Rules = "At least 8 characters, with a digit, a lower-case and an upper-case letter.";

    /// <summary>Creates a person with a role and no password: they cannot sign in until they use the link.</summary>
    public static async Task<DeskUser> InviteAsync(UserManager<DeskUser> users, string? email, string role, TimeProvider time)
    {
        email = email?.Trim();
        if (email is not { Length: > 3 } || !email.Contains('@', StringComparison.Ordinal))
        {
            throw DeskProblemException.InvalidField("email", "A valid email address is required.");
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "User exists", $"A user with email {email} already exists.");
        }
        var now = time.GetUtcNow();
        var user = new DeskUser { Id = Guid.CreateVersion7(now).ToString(), UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now };
        Check(await users.CreateAsync(user));
        Check(await users.AddToRoleAsync(user, role));
        return user;
    }

    /// <summary>
    /// A new link for the person. Their security stamp changes first: every session they had ends and any earlier link
    /// stops working. With <paramref name="removePassword"/> (a reset) their old password stops working too.
    /// </summary>
    public static async Task<PasswordLink> IssueAsync(UserManager<DeskUser> users, DeskUser user, string baseUrl, bool removePassword, TimeProvider time)
    {
        if (user.DeactivatedAt is not null)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "User is deactivated", $"{user.Email} is deactivated: reactivate them before giving them a password link.");
        }
        if (removePassword && await users.HasPasswordAsync(user))
        {
            Check(await users.RemovePasswordAsync(user));
        }
        Check(await users.UpdateSecurityStampAsync(user));
        var expiresAt = time.GetUtcNow() + PasswordLinkTokenProvider.Lifetime;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        return new PasswordLink(new Uri($"{baseUrl.TrimEnd('/')}{Path}?token={Uri.EscapeDataString(token)}"), expiresAt);
    }

    /// <summary>The person the link is for, while it still works; null for a used, replaced, expired or foreign link, or a deactivated person.</summary>
    public static async Task<DeskUser?> HolderAsync(UserManager<DeskUser> users, PasswordLinkTokenProvider tokens, string? token)
    {
        if (string.IsNullOrEmpty(token) || tokens.UserIdOf(token) is not { } id || await users.FindByIdAsync(id) is not { DeactivatedAt: null } user)
        {
            return null;
        }
        return await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<DeskUser>.ResetPasswordTokenPurpose, token)
            ? user
            : null;
    }

    /// <summary>Sets the password from a link; on success the link is spent (the stamp changed).</summary>
    public static async Task<(PasswordSetOutcome Outcome, DeskUser? User, IReadOnlyList<string> Errors)> SetAsync(
        UserManager<DeskUser> users, PasswordLinkTokenProvider tokens, string? token, string password)
    {
        if (await HolderAsync(users, tokens, token) is not { } user)
        {
            return (PasswordSetOutcome.LinkInvalid, null, []);
        }
        var result = await users.ResetPasswordAsync(user, token!, password);
        if (result.Succeeded)
        {
            return (PasswordSetOutcome.Set, user, []);
        }
        // The token was checked above: a failure now is the password's (or a link spent at the same moment).
        return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
            ? (PasswordSetOutcome.LinkInvalid, null, [])
            : (PasswordSetOutcome.PasswordRefused, user, result.Errors.Select(e => e.Description).ToList());
    }

    /// <summary>Registers the link's token provider as the one Identity uses for password resets.</summary>
    public static IdentityBuilder AddPasswordLinks(this IdentityBuilder identity)
    {
        identity.AddTokenProvider<PasswordLinkTokenProvider>(PasswordLinkTokenProvider.Name);
        identity.Services.Configure<IdentityOptions>(options => options.Tokens.PasswordResetTokenProvider = PasswordLinkTokenProvider.Name);
        return identity;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "User not changed", string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
