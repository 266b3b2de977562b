using System.Security.Claims;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Shared;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Admin;

public sealed partial class ApiKeyAdmin
{
    public const int PageSize = 25;

    private Paged<ApiKeyInfo>? _page;
    private int _pageNumber = 1;
    private bool _includeRevoked;
    private IReadOnlyList<(string Id, string Email)> _users = [];
    private string? _newName;
    private string? _newUserId;
    private CreatedApiKey? _created;
    private Guid? _confirming;
    private string? _error;

    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required ApiKeyStore Keys { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _newUserId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier);
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _users = (await db.Users.AsNoTracking().OrderBy(u => u.Email).Select(u => new { u.Id, u.Email }).ToListAsync())
                .Select(u => (u.Id, u.Email ?? u.Id)).ToList();
        }
        await LoadAsync();
    }

    private string EmailOf(string userId) => _users.FirstOrDefault(u => u.Id == userId).Email ?? userId;

    private Task IncludeRevokedChangedAsync(bool include)
    {
        _includeRevoked = include;
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
        var query = db.ApiKeys.AsNoTracking();
        if (!_includeRevoked)
        {
            query = query.Where(k => k.RevokedAt == null);
        }
        var views = query.OrderByDescending(k => k.CreatedAt)
            .Select(k => new ApiKeyInfo(k.Id, k.Name, k.Prefix, k.UserId, k.CreatedAt, k.LastUsedAt, k.RevokedAt));
        _page = await views.ToPageAsync(new PageQuery(_pageNumber, PageSize), CancellationToken.None);
        if (_page.Items.Count == 0 && _pageNumber > 1)
        {
            _pageNumber = ListPager.PageCountOf(_page.Total, PageSize);
            _page = await views.ToPageAsync(new PageQuery(_pageNumber, PageSize), CancellationToken.None);
        }
    }

    private async Task CreateAsync()
    {
        _error = null;
        var name = _newName?.Trim();
        if (name is not { Length: > 0 and <= 100 })
        {
            _error = "Name: required, at most 100 characters.";
            return;
        }
        if (_newUserId is null || _users.All(u => u.Id != _newUserId))
        {
            _error = "Acts as: pick the user the key signs in as.";
            return;
        }
        _created = await Keys.CreateAsync(name, _newUserId, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        _newName = null;
        await LoadAsync();
    }

    private async Task RevokeAsync(Guid id)
    {
        _confirming = null;
        await Keys.RevokeAsync(id, (await AuthenticationState).User.ToActor(), CancellationToken.None);
        if (_created?.Info.Id == id)
        {
            _created = null;
        }
        await LoadAsync();
    }
}
