using System.Security.Claims;
using AutomationDesk.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Security;

/// <summary>What the database says about a signed-in person's session now.</summary>
public enum SessionVerdict
{
    /// <summary>Same person, same stamp, same roles.</summary>
    Current,

    /// <summary>Still active, but an admin changed their role: the session goes on with the new role.</summary>
    RolesChanged,

    /// <summary>Deleted, deactivated, or their security stamp changed since the sign-in: the session ends.</summary>
    Ended,
}

/// <summary>One small query that tells whether a signed-in person's session still holds (see <see cref="CookieSessionCheck"/>).</summary>
public static class SessionState
{
    public static async Task<SessionVerdict> CheckAsync(
        IDbContextFactory<DeskDbContext> dbFactory, ClaimsIdentityOptions claims, ClaimsPrincipal principal, CancellationToken ct)
    {
        if (principal.FindFirstValue(claims.UserIdClaimType) is not { } id)
        {
            return SessionVerdict.Ended;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new
            {
                u.SecurityStamp,
                u.DeactivatedAt,
                Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).ToList(),
            })
            .SingleOrDefaultAsync(ct);
        if (current is null || current.DeactivatedAt is not null || current.SecurityStamp != principal.FindFirstValue(claims.SecurityStampClaimType))
        {
            return SessionVerdict.Ended;
        }
        var held = principal.FindAll(claims.RoleClaimType).Select(c => c.Value).Order(StringComparer.Ordinal);
        return held.SequenceEqual(current.Roles.Order(StringComparer.Ordinal)) ? SessionVerdict.Current : SessionVerdict.RolesChanged;
    }
}
