using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.Identity;

namespace AutomationDesk.Web.Api;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<DeskUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
