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
        var verdict = context.Principal is { } principal
            ? await SessionState.CheckAsync(services.GetRequiredService<IDbContextFactory<DeskDbContext>>(), claims, principal, context.HttpContext.RequestAborted)
            : SessionVerdict.Ended;
        if (verdict == SessionVerdict.Current)
        {
            return;
        }
        var signIn = services.GetRequiredService<SignInManager<DeskUser>>();
        if (verdict == SessionVerdict.RolesChanged && context.Principal!.FindFirstValue(claims.UserIdClaimType) is { } id
            && await signIn.UserManager.FindByIdAsync(id) is { } user)
        {
            context.ReplacePrincipal(await signIn.CreateUserPrincipalAsync(user));
            context.ShouldRenew = true;
            return;
        }
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }
}
