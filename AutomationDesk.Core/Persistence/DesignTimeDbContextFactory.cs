using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AutomationDesk.Core.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DeskDbContext>
{
    public DeskDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DeskDbContext>();
        DeskDatabase.Configure(options, "Data Source=design-time.db");
        return new DeskDbContext(options.Options);
    }
}
