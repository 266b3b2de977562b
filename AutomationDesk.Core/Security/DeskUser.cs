using Microsoft.AspNetCore.Identity;

namespace AutomationDesk.Core.Security;

public sealed class DeskUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The person's choice of the dark theme, kept across sign-ins and browsers.</summary>
    public bool PrefersDarkTheme { get; set; }

    /// <summary>When an admin deactivated the person: they cannot sign in, and their sessions and API keys stop at once.</summary>
    public DateTimeOffset? DeactivatedAt { get; set; }
}

/// <summary>The three roles; Viewer reads, Editor also writes and runs, Admin also manages.</summary>
public static class DeskRoles
{
    public const string Admin = "Admin";
    public const string Editor = "Editor";
    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Editor, Viewer];
}
