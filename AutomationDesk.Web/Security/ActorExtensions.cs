using System.Security.Claims;
using AutomationDesk.Core.Auditing;

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
}
