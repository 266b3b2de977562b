using AutomationDesk.Core.Security;
using Microsoft.AspNetCore.Authorization;

namespace AutomationDesk.Web.Security;

/// <summary>The three access levels: Viewer reads, Editor also writes and runs, Admin also manages.</summary>
public static class DeskPolicies
{
    public const string Read = "desk.read";
    public const string Write = "desk.write";
    public const string Admin = "desk.admin";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Read, p => p.RequireRole(DeskRoles.Viewer, DeskRoles.Editor, DeskRoles.Admin));
        options.AddPolicy(Write, p => p.RequireRole(DeskRoles.Editor, DeskRoles.Admin));
        options.AddPolicy(Admin, p => p.RequireRole(DeskRoles.Admin));
    }
}
