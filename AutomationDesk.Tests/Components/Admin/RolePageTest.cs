using AutomationDesk.Web.Notifications;
using AngleSharp.Dom;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Components.Pages.Notifications;
using AutomationDesk.Web.Security;
using Microsoft.EntityFrameworkCore;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Admin;

/// <summary>
/// The notifications, collections, audit and admin pages under test: a person signed in with one of the desk's roles,
/// Identity's user and role managers over the same SQLite file, and helpers to fill MudBlazor inputs.
/// </summary>
public abstract class RolePageTest : DeskPageTest
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider _identity;

    /// <param name="configure">Further services for the page's container (a fake clock), added before the first is resolved.</param>
    protected RolePageTest(Action<IServiceCollection>? configure = null)
        : base(configure)
    {
        // DeskPageTest has already built its container (to migrate), so Identity and the notification inbox come in
        // as a fallback provider.
        var identity = new ServiceCollection();
        identity.AddLogging();
        identity.AddScoped(_ => NewDb());
        identity.AddIdentityCore<DeskUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DeskDbContext>()
            .AddSignInManager()
            .AddPasswordLinks();
        identity.AddSingleton(_ => Services.GetRequiredService<TimeProvider>());
        identity.AddSingleton(_ => Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>());
        identity.AddAuthentication();
        identity.AddSingleton(_ => new NotificationInbox(
            Services.GetRequiredService<IDbContextFactory<DeskDbContext>>(), Services.GetRequiredService<AuditTrail>(), Services.GetRequiredService<TimeProvider>()));
        // The layout's sign-out form asks for an antiforgery token; a page test has no request to take one from.
        identity.AddSingleton<AntiforgeryStateProvider, NoAntiforgery>();
        _identity = identity.BuildServiceProvider();
        Services.AddFallbackServiceProvider(_identity);
    }

    protected UserManager<DeskUser> UserManager => _identity.GetRequiredService<UserManager<DeskUser>>();

    /// <summary>Signs the test's person in with one role, and the policies that role passes.</summary>
    protected void SignInAs(string role, string userId = "test-user")
    {
        Auth.SetRoles(role);
        Auth.SetPolicies(role switch
        {
            DeskRoles.Admin => [DeskPolicies.Read, DeskPolicies.Write, DeskPolicies.Admin],
            DeskRoles.Editor => [DeskPolicies.Read, DeskPolicies.Write],
            _ => [DeskPolicies.Read],
        });
        Auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, userId));
    }

    protected async Task SeedRolesAsync()
    {
        var roles = _identity.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in DeskRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    protected async Task<DeskUser> AddUserAsync(string email, string role)
    {
        await SeedRolesAsync();
        var user = new DeskUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
        var created = await UserManager.CreateAsync(user, "Passw0rd-long");
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        await UserManager.AddToRoleAsync(user, role);
        return user;
    }

    protected Task<NotificationView> NotifyAsync(
        string title, NotificationType type = NotificationType.Info, NotificationPriority priority = NotificationPriority.Normal, Guid? executionId = null) =>
        Services.GetRequiredService<NotificationService>().CreateAsync(new NewNotification(title, $"About {title}", type, priority, executionId), CancellationToken.None);

    /// <summary>The input element of a MudBlazor field marked with <c>data-testid</c>.</summary>
    protected static IElement InputOf<T>(IRenderedComponent<T> cut, string testId) where T : IComponent
    {
        var marked = cut.Find($"[data-testid={testId}]");
        return marked.TagName == "INPUT" ? marked : marked.QuerySelector("input") ?? throw new InvalidOperationException($"No input in {testId}");
    }

    protected static IReadOnlyList<IElement> Rows<T>(IRenderedComponent<T> cut, string testId) where T : IComponent => cut.FindAll($"[data-testid={testId}]");

    private sealed class NoAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => null;
    }
}
