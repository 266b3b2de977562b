using System.Security.Claims;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>A person who may sign in; <c>DeactivatedAt</c> is set while an admin has deactivated them.</summary>
public sealed record UserView(string Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset? DeactivatedAt = null);

/// <summary>A new user: without <c>password</c> they are invited, and set their own through the returned link.</summary>
public sealed record NewUser(string? Email, string? Password, string? Role);

/// <summary>
/// A user just added. An invited user (no password given) comes with <c>setPasswordUrl</c>, a one-time link to pass on,
/// and <c>setPasswordUrlExpiresAt</c>; a user created with a password has neither.
/// </summary>
public sealed record CreatedUser(
    string Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset? DeactivatedAt, Uri? SetPasswordUrl, DateTimeOffset? SetPasswordUrlExpiresAt);

public sealed record RoleChange(string? Role);

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(DeskPolicies.Admin);
        group.MapGet("/", List).WithSummary("Lists users, by email");
        group.MapPost("/", Create).WithSummary("Invites a user (a set-password link), or creates one with a password");
        group.MapPut("/{id}/role", SetRole).WithSummary("Changes a user's role");
        group.MapPost("/{id}/password-link", PasswordLinkFor).WithSummary("Resets a user's password: ends their sessions and returns a new one-time set-password link");
        group.MapPost("/{id}/deactivate", Deactivate).WithSummary("Deactivates a user: no sign-in, sessions and API keys stop");
        group.MapPost("/{id}/activate", Activate).WithSummary("Reactivates a deactivated user");
        return group;
    }

    static async Task<Ok<Paged<UserView>>> List(string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = query.Where(u => EF.Functions.Like(u.Email!, pattern, Like.Escape));
        }
        return TypedResults.Ok(await query.OrderBy(u => u.Email)
            .Select(u => new UserView(u.Id, u.Email!,
                db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).FirstOrDefault() ?? "",
                u.CreatedAt, u.DeactivatedAt))
            .ToPageAsync(paging, ct));
    }

    static async Task<Created<CreatedUser>> Create(
        NewUser body, HttpRequest request, UserManager<DeskUser> users, DeskSettings settings, IDbContextFactory<DeskDbContext> dbFactory,
        AuditTrail audit, ClaimsPrincipal caller, TimeProvider time, CancellationToken ct)
    {
        var role = CheckRole(body.Role);
        if (body.Password is null)
        {
            var invited = await PasswordLinks.InviteAsync(users, body.Email, role, time);
            var link = await PasswordLinks.IssueAsync(users, invited, await PublicUrls.BaseAsync(settings, PublicUrls.RequestBase(request), ct), removePassword: false, time);
            await Audit(dbFactory, audit, caller, "user.invite", invited.Id, new { email = invited.Email, role, linkExpiresAt = link.ExpiresAt }, ct);
            return TypedResults.Created($"/api/v1/users/{invited.Id}",
                new CreatedUser(invited.Id, invited.Email!, role, invited.CreatedAt, null, link.Url, link.ExpiresAt));
        }
        if (body.Email is not { Length: > 3 } email || !email.Contains('@', StringComparison.Ordinal))
        {
            throw Invalid("email", "A valid email address is required.");
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "User exists", $"A user with email {email} already exists.");
        }
        var now = time.GetUtcNow();
        var user = new DeskUser { Id = Guid.CreateVersion7(now).ToString(), UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now };
        var result = await users.CreateAsync(user, body.Password);
        if (!result.Succeeded)
        {
            throw Invalid("password", string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(user, role);
        await Audit(dbFactory, audit, caller, "user.create", user.Id, new { email, role }, ct);
        return TypedResults.Created($"/api/v1/users/{user.Id}", new CreatedUser(user.Id, email, role, user.CreatedAt, null, null, null));
    }

    /// <summary>A password reset: the old password and every session end, and the person sets a new one through the link.</summary>
    static async Task<Results<Ok<PasswordLink>, ProblemHttpResult>> PasswordLinkFor(
        string id, HttpRequest request, UserManager<DeskUser> users, DeskSettings settings, IDbContextFactory<DeskDbContext> dbFactory,
        AuditTrail audit, ClaimsPrincipal caller, TimeProvider time, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return Problems.NotFound("user", id);
        }
        var link = await PasswordLinks.IssueAsync(users, user, await PublicUrls.BaseAsync(settings, PublicUrls.RequestBase(request), ct), removePassword: true, time);
        await Audit(dbFactory, audit, caller, "user.password-reset", user.Id, new { user.Email, linkExpiresAt = link.ExpiresAt }, ct);
        return TypedResults.Ok(link);
    }

    static async Task<Results<Ok<UserView>, ProblemHttpResult>> SetRole(
        string id, RoleChange body, UserManager<DeskUser> users, IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, ClaimsPrincipal caller, CancellationToken ct)
    {
        var role = CheckRole(body.Role);
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return Problems.NotFound("user", id);
        }
        if (user.Id == caller.FindFirstValue(ClaimTypes.NameIdentifier) && role != DeskRoles.Admin)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "Cannot demote yourself", "Another admin must change your role, so the desk is never left without one.");
        }
        await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
        await users.AddToRoleAsync(user, role);
        // The person's sessions stay; each takes the new role on its next request (see CookieSessionCheck).
        await Audit(dbFactory, audit, caller, "user.role", user.Id, new { user.Email, role }, ct);
        return TypedResults.Ok(new UserView(user.Id, user.Email!, role, user.CreatedAt, user.DeactivatedAt));
    }

    /// <summary>The person can no longer sign in; their cookie and API keys stop on their next request.</summary>
    static async Task<Ok<UserView>> Deactivate(
        string id, UserManager<DeskUser> users, IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, ClaimsPrincipal caller, TimeProvider time, CancellationToken ct)
    {
        var user = await UserActivation.DeactivateAsync(users, id, caller, time);
        await Audit(dbFactory, audit, caller, "user.deactivate", user.Id, new { user.Email }, ct);
        return TypedResults.Ok(await ViewAsync(users, user));
    }

    static async Task<Ok<UserView>> Activate(
        string id, UserManager<DeskUser> users, IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, ClaimsPrincipal caller, CancellationToken ct)
    {
        var user = await UserActivation.ReactivateAsync(users, id);
        await Audit(dbFactory, audit, caller, "user.activate", user.Id, new { user.Email }, ct);
        return TypedResults.Ok(await ViewAsync(users, user));
    }

    private static async Task<UserView> ViewAsync(UserManager<DeskUser> users, DeskUser user) =>
        new(user.Id, user.Email!, (await users.GetRolesAsync(user)).FirstOrDefault() ?? "", user.CreatedAt, user.DeactivatedAt);

    private static string CheckRole(string? role) =>
        DeskRoles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid("role", $"Must be one of {string.Join(", ", DeskRoles.All)}.");

    private static DeskProblemException Invalid(string field, string message) => DeskProblemException.InvalidField(field, message);

    private static async Task Audit(IDbContextFactory<DeskDbContext> dbFactory, AuditTrail audit, ClaimsPrincipal caller, string action, string userId, object details, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        audit.Record(db, caller.ToActor(), action, $"user:{userId}", details);
        await db.SaveChangesAsync(ct);
    }
}
