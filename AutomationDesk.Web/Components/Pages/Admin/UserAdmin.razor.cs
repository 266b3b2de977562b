using System.Security.Claims;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Admin;

public sealed partial class UserAdmin
{
    public const int PageSize = 25;

    private Paged<UserView>? _page;
    private int _pageNumber = 1;
    private string? _search;
    private string? _myId;
    private string? _newEmail;
    private string _newRole = DeskRoles.Viewer;
    private string? _error;
    private bool _busy;
    private string? _confirming;
    private string? _confirmingReset;
    private IssuedLink? _link;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required UserManager<DeskUser> Users { get; set; }
    [Inject] public required AuditTrail Audit { get; set; }
    [Inject] public required TimeProvider Time { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }
    [Inject] public required DeskSettings Settings { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _myId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier);
        await LoadAsync();
    }

    private Task SearchAsync(string? search)
    {
        _search = search;
        return PageChangedAsync(1);
    }

    private Task PageChangedAsync(int page)
    {
        _pageNumber = page;
        return LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(_search))
        {
            var pattern = Like.Contains(_search);
            query = query.Where(u => EF.Functions.Like(u.Email!, pattern, Like.Escape));
        }
        _page = await query.OrderBy(u => u.Email)
            .Select(u => new UserView(u.Id, u.Email!,
                db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).FirstOrDefault() ?? "",
                u.CreatedAt, u.DeactivatedAt))
            .ToPageAsync(new PageQuery(_pageNumber, PageSize), CancellationToken.None);
    }

    private async Task InviteAsync()
    {
        _error = null;
        _link = null;
        _busy = true;
        try
        {
            var user = await PasswordLinks.InviteAsync(Users, _newEmail, _newRole, Time);
            var link = await PasswordLinks.IssueAsync(Users, user, await PublicUrls.BaseAsync(Settings, Navigation.BaseUri, CancellationToken.None), removePassword: false, Time);
            await RecordAsync("user.invite", user.Id, new { email = user.Email, role = _newRole, linkExpiresAt = link.ExpiresAt });
            _link = new IssuedLink(user.Email!, link);
            _newEmail = null;
            await LoadAsync();
        }
        catch (DeskProblemException e)
        {
            _error = $"{char.ToUpperInvariant(e.Message[0])}{e.Message[1..]}";
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ResetAsync(UserView target)
    {
        _confirmingReset = null;
        _link = null;
        try
        {
            var user = await Users.FindByIdAsync(target.Id)
                ?? throw new DeskProblemException(ProblemKind.NotFound, "User not found", $"{target.Email} no longer exists.");
            var link = await PasswordLinks.IssueAsync(Users, user, await PublicUrls.BaseAsync(Settings, Navigation.BaseUri, CancellationToken.None), removePassword: true, Time);
            await RecordAsync("user.password-reset", user.Id, new { user.Email, linkExpiresAt = link.ExpiresAt });
            _link = new IssuedLink(user.Email!, link);
        }
        catch (DeskProblemException e)
        {
            Snackbar.Add($"The password of {target.Email} was not reset: {e.Message}", Severity.Error);
        }
        await LoadAsync();
    }

    private async Task ChangeRoleAsync(UserView target, string role)
    {
        if (target.Id == _myId || role == target.Role)
        {
            return;
        }
        if (await Users.FindByIdAsync(target.Id) is not { } user)
        {
            Snackbar.Add($"{target.Email} no longer exists.", Severity.Warning);
            await LoadAsync();
            return;
        }
        var changed = await Users.RemoveFromRolesAsync(user, await Users.GetRolesAsync(user));
        if (changed.Succeeded)
        {
            changed = await Users.AddToRoleAsync(user, role);
        }
        if (!changed.Succeeded)
        {
            Snackbar.Add($"The role of {target.Email} was not changed: {Describe(changed)}", Severity.Error);
            await LoadAsync();
            return;
        }
        // The person's sessions stay; each takes the new role on its next request (see CookieSessionCheck).
        await RecordAsync("user.role", target.Id, new { target.Email, role });
        Snackbar.Add($"{target.Email} is now {role}.", Severity.Success);
        await LoadAsync();
    }

    private async Task DeactivateAsync(UserView target)
    {
        _confirming = null;
        var caller = (await AuthenticationState).User;
        try
        {
            await UserActivation.DeactivateAsync(Users, target.Id, caller, Time);
        }
        catch (DeskProblemException e)
        {
            Snackbar.Add($"{target.Email} was not deactivated: {e.Message}", Severity.Error);
            await LoadAsync();
            return;
        }
        await RecordAsync("user.deactivate", target.Id, new { target.Email });
        Snackbar.Add($"{target.Email} is deactivated: signed out everywhere, and their API keys no longer work.", Severity.Success);
        await LoadAsync();
    }

    private async Task ReactivateAsync(UserView target)
    {
        try
        {
            await UserActivation.ReactivateAsync(Users, target.Id);
        }
        catch (DeskProblemException e)
        {
            Snackbar.Add($"{target.Email} was not reactivated: {e.Message}", Severity.Error);
            await LoadAsync();
            return;
        }
        await RecordAsync("user.activate", target.Id, new { target.Email });
        Snackbar.Add($"{target.Email} can sign in again.", Severity.Success);
        await LoadAsync();
    }

    /// <summary>The link just made, shown once for the admin to pass on.</summary>
    private sealed record IssuedLink(string Email, PasswordLink Link);

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    private async Task RecordAsync(string action, string userId, object details)
    {
        var actor = (await AuthenticationState).User.ToActor();
        await using var db = await DbFactory.CreateDbContextAsync();
        Audit.Record(db, actor, action, $"user:{userId}", details);
        await db.SaveChangesAsync();
    }
}
