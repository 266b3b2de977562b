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

    /// <summary>How many items come before this page; a long, so a huge <c>page</c> cannot wrap round to the first page.</summary>
    public long Offset => ((long)Number - 1) * Size;

    /// <summary>This page of a list already in memory: empty beyond the last page.</summary>
    public IReadOnlyList<T> Of<T>(IReadOnlyList<T> items) =>
        Offset >= items.Count ? [] : items.Skip((int)Offset).Take(Size).ToList();

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
        // Beyond the last page the answer is an empty page, never the first one again.
        var items = paging.Offset >= total ? [] : await query.Skip((int)paging.Offset).Take(paging.Size).ToListAsync(ct);
        return new Paged<T>(items, paging.Number, paging.Size, total);
    }
}
