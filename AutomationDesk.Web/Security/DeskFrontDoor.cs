using Microsoft.AspNetCore.Components.Authorization;

namespace AutomationDesk.Web.Security;

/// <summary>The web front door: sign-in, session checks, rate limits and the same-origin rule for cookie writes.</summary>
public static class DeskFrontDoor
{
    public static IServiceCollection AddDeskFrontDoor(this IServiceCollection services)
    {
        services.AddOptions<SameOriginOptions>().BindConfiguration(SameOriginOptions.Section);
        services.AddFrontDoorRateLimits();
        services.ConfigureApplicationCookie(options => options.Events.OnValidatePrincipal = CookieSessionCheck.ValidateAsync);
        services.AddScoped<AuthenticationStateProvider, CircuitSessionCheck>();
        return services;
    }
}
