using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public sealed record CollectionInfo(string Name, int Records, DateTimeOffset LastWrittenAt);

public sealed record RecordView(Guid Id, string Collection, DateTimeOffset CreatedAt, Guid? ExecutionId, JsonNode? Data);

public static class CollectionsApi
{
    public static RouteGroupBuilder MapCollectionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/collections").WithTags("Collections").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists collections and their record counts");
        group.MapGet("/{name}/records", Records).WithSummary("Lists the records of a collection");
        return group;
    }

    static async Task<Ok<Paged<CollectionInfo>>> List(string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return TypedResults.Ok(await ListAsync(db, q, paging, ct));
    }

    /// <summary>The named collections, by name, with their record count and last write; the page and the API share it.</summary>
    public static Task<Paged<CollectionInfo>> ListAsync(DeskDbContext db, string? q, PageQuery paging, CancellationToken ct)
    {
        var query = db.Records.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = query.Where(r => EF.Functions.Like(r.Collection, pattern, Like.Escape));
        }
        // Ordered before the projection: EF cannot sort by a member of a record built through its constructor.
        return query.GroupBy(r => r.Collection)
            .OrderBy(g => g.Key)
            .Select(g => new CollectionInfo(g.Key, g.Count(), g.OrderByDescending(r => r.CreatedAt).Select(r => r.CreatedAt).First()))
            .ToPageAsync(paging, ct);
    }

    static async Task<Ok<Paged<RecordView>>> Records(string name, string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Records.AsNoTracking().Where(r => r.Collection == name);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = query.Where(r => EF.Functions.Like(r.DataJson, pattern, Like.Escape));
        }
        var page = await query.OrderByDescending(r => r.CreatedAt).ToPageAsync(paging, ct);
        return TypedResults.Ok(new Paged<RecordView>(
            page.Items.Select(r => new RecordView(r.Id, r.Collection, r.CreatedAt, r.ExecutionId, JsonNode.Parse(r.DataJson))).ToList(),
            page.Page, page.PageSize, page.Total));
    }
}
