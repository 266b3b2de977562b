using System.ComponentModel.DataAnnotations;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Account;

/// <summary>
/// Where an invited person, or one whose password an admin reset, chooses their password from the one-time link, and
/// is signed in. The token comes in the link's query and travels on in the form, so the form's post keeps it.
/// </summary>
public sealed partial class SetPassword
{
    private DeskUser? _holder;
    private IReadOnlyList<string> _errors = [];

    [Inject] public required UserManager<DeskUser> Users { get; set; }
    [Inject] public required SignInManager<DeskUser> SignIn { get; set; }
    [Inject] public required PasswordLinkTokenProvider Tokens { get; set; }
    [Inject] public required IDbContextFactory<DeskDbContext> DbFactory { get; set; }
    [Inject] public required AuditTrail Audit { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }

    [SupplyParameterFromQuery(Name = "token")]
    private string? LinkToken { get; set; }

    [SupplyParameterFromForm]
    private SetPasswordInput? Input { get; set; }

    protected override async Task OnInitializedAsync()
    {
        Input ??= new();
        Input.Token ??= LinkToken;
        _holder = await PasswordLinks.HolderAsync(Users, Tokens, Input.Token);
    }

    private async Task SetAsync()
    {
        var (outcome, user, errors) = await PasswordLinks.SetAsync(Users, Tokens, Input!.Token, Input.Password);
        switch (outcome)
        {
            case PasswordSetOutcome.Set:
                await using (var db = await DbFactory.CreateDbContextAsync())
                {
                    Audit.Record(db, Actor.User(user!.Email!), "user.password-set", $"user:{user.Id}", new { user.Email });
                    await db.SaveChangesAsync();
                }
                await SignIn.SignInAsync(user, isPersistent: true);
                Navigation.NavigateTo("/", forceLoad: true);
                return;
            case PasswordSetOutcome.PasswordRefused:
                _errors = errors;
                return;
            default:
                _holder = null;
                return;
        }
    }

    private sealed class SetPasswordInput
    {
        public string? Token { get; set; }

        [Required(ErrorMessage = "Choose a password.")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again.")]
        [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
        public string Confirm { get; set; } = "";
    }
}
