using System.Security.Claims;
using AutomationDesk.Core;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public sealed record SecretValue(string? Value);

public static class SecretsApi
{
    public static RouteGroupBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/secrets").WithTags("Secrets").RequireAuthorization(DeskPolicies.Admin);
        group.MapGet("/", List).WithSummary("Lists secret names (never a value)");
        group.MapPut("/{name}", Set).WithSummary("Creates or replaces a secret");
        group.MapDelete("/{name}", Delete).WithSummary("Deletes a secret");
        return group;
    }

    static async Task<Ok<Paged<SecretInfo>>> List(string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Secrets.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = query.Where(s => EF.Functions.Like(s.Name, pattern, Like.Escape));
        }
        return TypedResults.Ok(await query.OrderBy(s => s.Name).Select(s => new SecretInfo(s.Name, s.CreatedAt, s.UpdatedAt)).ToPageAsync(paging, ct));
    }

    static async Task<Results<Created<SecretInfo>, Ok<SecretInfo>>> Set(string name, SecretValue body, SecretStore secrets, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        if (!SecretStore.IsValidName(name))
        {
            throw DeskProblemException.InvalidField("name", $"'{name}' is not a secret name: letters, digits, _ and -, starting with a letter, at most 100.");
        }
        if (SecretStore.ValueProblem(body.Value) is { } problem)
        {
            throw DeskProblemException.InvalidField("value", problem);
        }
        var created = await secrets.SetAsync(name, body.Value!, user.ToActor(), ct);
        var info = (await secrets.ListAsync(ct)).Single(s => s.Name == name);
        return created ? TypedResults.Created($"/api/v1/secrets/{name}", info) : TypedResults.Ok(info);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, SecretStore secrets, ClaimsPrincipal user, CancellationToken ct) =>
        await secrets.DeleteAsync(name, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("secret", name);
}
