using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AutomationDesk.PostgresMigrations;

/// <summary>
/// Lets <c>dotnet ef migrations add</c>, run on this project, build the desk's context for PostgreSQL without starting
/// the app. Adding a migration needs no server: the connection string is never opened.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DeskDbContext>
{
    public DeskDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DeskDbContext>();
        DeskDatabase.Configure(options, "Host=localhost;Database=automationdesk", StorageProvider.Postgres);
        return new DeskDbContext(options.Options);
    }
}
