using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Persistence;

public sealed class MigrationTests
{
    [Fact]
    public async Task The_migrations_build_the_model_as_the_code_declares_it()
    {
        await using var desk = await CoreDesk.StartAsync();
        await using var db = desk.NewDb();

        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration makes: add one with dotnet ef migrations add");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var indexes = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Workflows'").ToListAsync();
        Assert.Contains("IX_Workflows_TriggerType", indexes);
    }
}
