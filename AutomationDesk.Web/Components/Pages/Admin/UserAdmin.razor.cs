using System.Security.Claims;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
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
    private string? _newPassword;
    private string _newRole = DeskRoles.Viewer;
    private string? _error;
    private bool _busy;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    // Identity's managers are scoped to a context; a circuit lives long, so each change gets its own scope.
    [Inject] public required IServiceScopeFactory Scopes { get; set; }
    [Inject] public required AuditTrail Audit { get; set; }
    [Inject] public required TimeProvider Time { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }

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
                u.CreatedAt))
            .ToPageAsync(new PageQuery(_pageNumber, PageSize), CancellationToken.None);
    }

    private async Task CreateAsync()
    {
        _error = null;
        var email = _newEmail?.Trim();
        if (email is not { Length: > 3 } || !email.Contains('@', StringComparison.Ordinal))
        {
            _error = "Email: a valid email address is required.";
            return;
        }
        _busy = true;
        try
        {
            using var scope = Scopes.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DeskUser>>();
            if (await users.FindByEmailAsync(email) is not null)
            {
                _error = $"Email: a user with email {email} already exists.";
                return;
            }
            var user = new DeskUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = Time.GetUtcNow() };
            var created = await users.CreateAsync(user, _newPassword ?? "");
            if (!created.Succeeded)
            {
                _error = "Password: " + string.Join(" ", created.Errors.Select(e => e.Description));
                return;
            }
            await users.AddToRoleAsync(user, _newRole);
            await RecordAsync("user.create", user.Id, new { email, role = _newRole });
            Snackbar.Add($"{email} can now sign in as {_newRole}.", Severity.Success);
            _newEmail = null;
            _newPassword = null;
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ChangeRoleAsync(UserView target, string role)
    {
        if (target.Id == _myId || role == target.Role)
        {
            return;
        }
        using (var scope = Scopes.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DeskUser>>();
            if (await users.FindByIdAsync(target.Id) is not { } user)
            {
                Snackbar.Add($"{target.Email} no longer exists.", Severity.Warning);
                await LoadAsync();
                return;
            }
            await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
            await users.AddToRoleAsync(user, role);
            // Signs the person out of other sessions, so the new role applies at once.
            await users.UpdateSecurityStampAsync(user);
        }
        await RecordAsync("user.role", target.Id, new { target.Email, role });
        Snackbar.Add($"{target.Email} is now {role}.", Severity.Success);
        await LoadAsync();
    }

    private async Task RecordAsync(string action, string userId, object details)
    {
        var actor = (await AuthenticationState).User.ToActor();
        await using var db = await DbFactory.CreateDbContextAsync();
        Audit.Record(db, actor, action, $"user:{userId}", details);
        await db.SaveChangesAsync();
    }
}
