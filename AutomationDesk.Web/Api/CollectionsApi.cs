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
        group.MapGet("/{name}/records.csv", RecordsCsv)
            .WithSummary("Every record of a collection (or those matching q) as CSV: one column per top-level field");
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

    /// <summary>The record's own columns, named so they do not meet a record's top-level fields.</summary>
    private static readonly string[] MetaColumns = ["record.id", "record.createdAt", "record.executionId"];

    /// <summary>
    /// Streams the records, newest first, in two passes: the first collects the columns (every top-level field), the
    /// second writes the rows, so a large collection is never held in memory.
    /// </summary>
    static PushStreamHttpResult RecordsCsv(string name, string? q, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct) =>
        TypedResults.Stream(async body =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var query = RecordsOf(db, name, q).OrderByDescending(r => r.CreatedAt);
            var columns = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var json in query.Select(r => r.DataJson).AsAsyncEnumerable().WithCancellation(ct))
            {
                columns.AddRange(RecordCells.ColumnsOf([JsonNode.Parse(json)]).Where(seen.Add));
            }
            await using var writer = new StreamWriter(body, RecordCells.Utf8WithMark);
            await writer.WriteAsync(RecordCells.CsvLine(
                MetaColumns.Concat(columns).Select(c => RecordCells.Csv(c))));
            await foreach (var record in query.AsAsyncEnumerable().WithCancellation(ct))
            {
                var data = JsonNode.Parse(record.DataJson);
                var meta = new[] { record.Id.ToString(), record.CreatedAt.ToUniversalTime().ToString("O"), record.ExecutionId?.ToString() ?? "" };
                var cells = columns.Select(c => RecordCells.Field(data, c)).Select(v => RecordCells.Csv(RecordCells.Text(v), RecordCells.IsNumber(v)));
                await writer.WriteAsync(RecordCells.CsvLine(meta.Select(m => RecordCells.Csv(m)).Concat(cells)));
            }
        }, "text/csv; charset=utf-8", $"{name}.csv");

    /// <summary>A collection's records, or those whose JSON contains <paramref name="q"/>: the page, the API and the CSV share it.</summary>
    public static IQueryable<Core.Records.CollectionRecord> RecordsOf(DeskDbContext db, string name, string? q)
    {
        var query = db.Records.AsNoTracking().Where(r => r.Collection == name);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = query.Where(r => EF.Functions.Like(r.DataJson, pattern, Like.Escape));
        }
        return query;
    }

    static async Task<Ok<Paged<RecordView>>> Records(string name, string? q, [AsParameters] PageQuery paging, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var page = await RecordsOf(db, name, q).OrderByDescending(r => r.CreatedAt).ToPageAsync(paging, ct);
        return TypedResults.Ok(new Paged<RecordView>(
            page.Items.Select(r => new RecordView(r.Id, r.Collection, r.CreatedAt, r.ExecutionId, JsonNode.Parse(r.DataJson))).ToList(),
            page.Page, page.PageSize, page.Total));
    }
}
