using AutomationDesk.Core.Persistence;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Web.Security;

/// <summary>
/// The same check for an open page (a Blazor circuit keeps the sign-in it started with): every
/// <see cref="Interval"/> the circuit asks the database, and a deactivated person, or one whose role changed, is signed
/// out of the page; on reload the cookie brings the new role.
/// </summary>
public sealed class CircuitSessionCheck(ILoggerFactory loggerFactory, IDbContextFactory<DeskDbContext> dbFactory, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated != true
        || await SessionState.CheckAsync(dbFactory, identity.Value.ClaimsIdentity, authenticationState.User, cancellationToken) == SessionVerdict.Current;
}
