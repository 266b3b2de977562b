using System.Security.Claims;
using AutomationDesk.Core;
using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.Identity;

namespace AutomationDesk.Web.Security;

/// <summary>
/// Deactivates and reactivates a person. A deactivated person cannot sign in, and their sign-in cookie and API keys stop
/// working on their next request. The API and the users page both come here, so the same rules hold in both.
/// </summary>
public static class UserActivation
{
    /// <summary>Deactivates the user; already deactivated is no change. Refuses the caller themselves and the last active admin.</summary>
    public static async Task<DeskUser> DeactivateAsync(UserManager<DeskUser> users, string id, ClaimsPrincipal caller, TimeProvider time)
    {
        var user = await FindAsync(users, id);
        if (user.Id == caller.FindFirstValue(ClaimTypes.NameIdentifier))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Cannot deactivate yourself", "Another admin must deactivate you, so the desk is never left without one.");
        }
        if (user.DeactivatedAt is not null)
        {
            return user;
        }
        if (await users.IsInRoleAsync(user, DeskRoles.Admin) && await ActiveAdminCountAsync(users) <= 1)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Last active admin", $"{user.Email} is the last active admin: make another person Admin first.");
        }
        user.DeactivatedAt = time.GetUtcNow();
        Check(await users.UpdateAsync(user));
        // A new stamp ends every session the person had: reactivating them later does not bring old cookies back.
        Check(await users.UpdateSecurityStampAsync(user));
        return user;
    }

    /// <summary>Lets a deactivated user sign in again; their API keys work again too (revoke them separately if they should not).</summary>
    public static async Task<DeskUser> ReactivateAsync(UserManager<DeskUser> users, string id)
    {
        var user = await FindAsync(users, id);
        if (user.DeactivatedAt is null)
        {
            return user;
        }
        user.DeactivatedAt = null;
        Check(await users.UpdateAsync(user));
        return user;
    }

    private static async Task<DeskUser> FindAsync(UserManager<DeskUser> users, string id) =>
        await users.FindByIdAsync(id) ?? throw new DeskProblemException(ProblemKind.NotFound, "User not found", $"There is no user {id}.");

    private static async Task<int> ActiveAdminCountAsync(UserManager<DeskUser> users) =>
        (await users.GetUsersInRoleAsync(DeskRoles.Admin)).Count(u => u.DeactivatedAt is null);

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "User not changed", string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
