using AutomationDesk.Core;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>A page of a list: <c>{ items, page, pageSize, total }</c>.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary><c>page</c> (from 1) and <c>pageSize</c> (default 50, at most 500) from the query string.</summary>
public readonly record struct PageQuery(int? Page, int? PageSize)
{
    public const int MaxPageSize = 500;

    public int Number => Page ?? 1;
    public int Size => PageSize ?? 50;

    public void Check()
    {
        if (Number < 1)
        {
            throw DeskProblemException.InvalidField("page", "Starts at 1.");
        }
        if (Size is < 1 or > MaxPageSize)
        {
            throw DeskProblemException.InvalidField("pageSize", $"Between 1 and {MaxPageSize}.");
        }
    }
}

public static class PagingExtensions
{
    public static async Task<Paged<T>> ToPageAsync<T>(this IQueryable<T> query, PageQuery paging, CancellationToken ct)
    {
        paging.Check();
        var total = await query.CountAsync(ct);
        var items = await query.Skip((paging.Number - 1) * paging.Size).Take(paging.Size).ToListAsync(ct);
        return new Paged<T>(items, paging.Number, paging.Size, total);
    }
}
