using System.Security.Claims;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Web.Security;

/// <summary>
/// Checks a sign-in cookie against the database on every request, with one small query: a deactivated person, or a
/// cookie from before their security stamp changed, is signed out at once; a person whose role changed keeps their
/// session with the new role, so a demotion applies to the very next request. (Identity's own validator looks only
/// every 30 minutes, and a cookie kept its roles until it expired.)
/// </summary>
public static class CookieSessionCheck
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var principal = context.Principal;
        if (principal?.FindFirstValue(claims.UserIdClaimType) is not { } id)
        {
            await RejectAsync(context);
            return;
        }
        var ct = context.HttpContext.RequestAborted;
        await using var db = await services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync(ct);
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
            await RejectAsync(context);
            return;
        }
        var held = principal.FindAll(claims.RoleClaimType).Select(c => c.Value).Order(StringComparer.Ordinal);
        if (held.SequenceEqual(current.Roles.Order(StringComparer.Ordinal)))
        {
            return;
        }
        var signIn = services.GetRequiredService<SignInManager<DeskUser>>();
        if (await signIn.UserManager.FindByIdAsync(id) is not { } user)
        {
            await RejectAsync(context);
            return;
        }
        context.ReplacePrincipal(await signIn.CreateUserPrincipalAsync(user));
        context.ShouldRenew = true;
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }
}
