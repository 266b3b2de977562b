using System.Security.Claims;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;

namespace AutomationDesk.Web.Security;

public static class ActorExtensions
{
    /// <summary>Who is acting, for the audit trail: the key's name and owner for a script, else the person.</summary>
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? "anonymous";
        return user.FindFirstValue(ApiKeyAuthenticationHandler.KeyNameClaim) is { } key
            ? Actor.Key($"{key} ({name})")
            : Actor.User(name);
    }

    /// <summary>The person deciding an approval: who they are for the audit trail, their email and their roles.</summary>
    public static Decider ToDecider(this ClaimsPrincipal user) =>
        new(user.ToActor(), user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name, user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList());
}
