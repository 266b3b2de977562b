using System.Net;
using System.Net.Http.Json;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Tests.Api;

/// <summary>The check behind cookies and open pages: current, role changed (session goes on), or ended (deactivated).</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class SessionStateTests(FrontDoorDesk front)
{
    private DeskApp Desk => front.Desk;

    [Fact]
    public async Task A_session_is_current_then_sees_a_role_change_then_ends_when_the_person_is_deactivated()
    {
        var (id, _) = await SignInForm.CreateUserAsync(Desk, "Editor");
        await using var scope = Desk.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<DeskUser>>();
        var principal = await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByIdAsync(id))!);
        Task<SessionVerdict> CheckAsync() => SessionState.CheckAsync(
            scope.ServiceProvider.GetRequiredService<IDbContextFactory<DeskDbContext>>(),
            scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity, principal, CancellationToken.None);

        Assert.Equal(SessionVerdict.Current, await CheckAsync());

        using (var demote = await Desk.Admin.PutAsJsonAsync($"/api/v1/users/{id}/role", new { role = "Viewer" }))
        {
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        }
        Assert.Equal(SessionVerdict.RolesChanged, await CheckAsync());

        using (var deactivate = await Desk.Admin.PostAsync($"/api/v1/users/{id}/deactivate", null))
        {
            Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        }
        Assert.Equal(SessionVerdict.Ended, await CheckAsync());
    }

    [Fact]
    public async Task Open_pages_recheck_their_sign_in_every_minute()
    {
        await using var scope = Desk.Services.CreateAsyncScope();

        Assert.IsType<CircuitSessionCheck>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
        Assert.Equal(TimeSpan.FromMinutes(1), CircuitSessionCheck.Interval);
    }
}
