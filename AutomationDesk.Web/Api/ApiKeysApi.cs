using System.Security.Claims;
using AutomationDesk.Core;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public sealed record NewApiKey(string? Name, string? UserId);

public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization(DeskPolicies.Admin);
        group.MapGet("/", List).WithSummary("Lists API keys (never the key itself)");
        group.MapPost("/", Create).WithSummary("Creates an API key for a user; the key is shown only in this answer");
        group.MapDelete("/{id:guid}", Revoke).WithSummary("Revokes an API key");
        return group;
    }

    static async Task<Ok<Paged<ApiKeyInfo>>> List(bool? includeRevoked, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ApiKeys.AsNoTracking();
        if (includeRevoked != true)
        {
            query = query.Where(k => k.RevokedAt == null);
        }
        return TypedResults.Ok(await query.OrderByDescending(k => k.CreatedAt)
            .Select(k => new ApiKeyInfo(k.Id, k.Name, k.Prefix, k.UserId, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToPageAsync(paging, ct));
    }

    /// <summary>Creates a key for a user (by default the caller). The answer is the only time the key is shown.</summary>
    static async Task<Created<CreatedApiKey>> Create(NewApiKey body, ApiKeyStore keys, IDbContextFactory<DeskDbContext> dbFactory, ClaimsPrincipal user, CancellationToken ct)
    {
        if (body.Name is not { Length: > 0 and <= 100 } name)
        {
            throw DeskProblemException.InvalidField("name", "Required, at most 100 characters.");
        }
        var userId = body.UserId ?? user.FindFirstValue(ClaimTypes.NameIdentifier)!;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
            {
                throw DeskProblemException.InvalidField("userId", $"There is no user {userId}.");
            }
        }
        var created = await keys.CreateAsync(name, userId, user.ToActor(), ct);
        return TypedResults.Created($"/api/v1/api-keys/{created.Info.Id}", created);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, ApiKeyStore keys, ClaimsPrincipal user, CancellationToken ct) =>
        await keys.RevokeAsync(id, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("API key", id);
}
