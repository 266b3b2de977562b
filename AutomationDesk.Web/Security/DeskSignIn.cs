using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.Identity;

namespace AutomationDesk.Web.Security;

/// <summary>What a sign-in attempt came to.</summary>
public enum SignInOutcome
{
    SignedIn,

    /// <summary>Unknown email or wrong password: the two are answered alike.</summary>
    Refused,

    /// <summary>The right password for a deactivated person (only someone who knows the password learns this).</summary>
    Deactivated,
}

/// <summary>
/// Signs a person in with email and password. An unknown email costs the same password-hash work as a wrong password,
/// so neither the answer nor its timing tells an outsider which emails exist. Failures do not count towards a per-account
/// lockout: an outsider guessing passwords must not be able to lock the admin out. Guessing is slowed per client address
/// instead, by the sign-in rate limit (<see cref="FrontDoorRateLimits"/>).
/// </summary>
public static class DeskSignIn
{
    private static readonly DeskUser Nobody = new() { Id = "nobody" };
    private static string? s_nobodysHash;

    public static async Task<SignInOutcome> SignInAsync(SignInManager<DeskUser> signIn, string email, string password)
    {
        var users = signIn.UserManager;
        var hasher = users.PasswordHasher;
        // Made once, with the same hasher (and so the same work factor) as real passwords.
        var nobodysHash = s_nobodysHash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString());
        if (await users.FindByEmailAsync(email) is not { } user)
        {
            hasher.VerifyHashedPassword(Nobody, nobodysHash, password);
            return SignInOutcome.Refused;
        }
        if (!await users.CheckPasswordAsync(user, password))
        {
            return SignInOutcome.Refused;
        }
        if (user.DeactivatedAt is not null)
        {
            return SignInOutcome.Deactivated;
        }
        await signIn.SignInAsync(user, isPersistent: true);
        return SignInOutcome.SignedIn;
    }
}
