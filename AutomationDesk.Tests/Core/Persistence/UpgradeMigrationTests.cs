using AutomationDesk.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AutomationDesk.Tests.Core.Persistence;

/// <summary>A database of the previous release, with data in it, upgraded by this release's migration.</summary>
public sealed class UpgradeMigrationTests : IDisposable
{
    private const string PreviousRelease = "20261206185014_TriggerTypeIndexAndLeaseToken";
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"desk-upgrade-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task Read_notifications_stay_read_for_every_person_and_github_sources_deduplicate_by_delivery_id()
    {
        var options = new DbContextOptionsBuilder<DeskDbContext>().UseSqlite($"Data Source={_file}").Options;
        await using (var db = new DeskDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync(PreviousRelease);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO AspNetUsers (Id, AccessFailedCount, CreatedAt, EmailConfirmed, LockoutEnabled, PhoneNumberConfirmed, PrefersDarkTheme, TwoFactorEnabled)
                VALUES ('u1', 0, 0, 1, 0, 0, 0, 0), ('u2', 0, 0, 1, 0, 0, 0, 0);
                INSERT INTO Notifications (Id, CreatedAt, IsRead, ReadAt, Message, Priority, Title, Type)
                VALUES ('11111111-1111-1111-1111-111111111111', 5, 1, 7, 'm', 'High', 'read one', 'Error'),
                       ('22222222-2222-2222-2222-222222222222', 6, 0, NULL, 'm', 'High', 'unread one', 'Error');
                INSERT INTO InboxSources (Id, CreatedAt, Enabled, Name, Preset, Secret, SignatureScheme, UpdatedAt)
                VALUES ('33333333-3333-3333-3333-333333333333', 0, 1, 'gh', 'github', '', 'hmac-sha256', 0),
                       ('44444444-4444-4444-4444-444444444444', 0, 1, 'other', 'custom', '', 'none', 0);
                """);
        }

        await using (var db = new DeskDbContext(options))
        {
            await db.Database.MigrateAsync();

            var reads = await db.Database.SqlQueryRaw<string>("""SELECT "UserId" || ':' || "ReadAt" AS Value FROM "NotificationReads" ORDER BY "UserId" """).ToListAsync();
            Assert.Equal(["u1:7", "u2:7"], reads);
            var dedup = await db.Database.SqlQueryRaw<string>("""SELECT Name || '=' || COALESCE(DedupHeader, '-') AS Value FROM InboxSources ORDER BY Name""").ToListAsync();
            Assert.Equal(["gh=X-GitHub-Delivery", "other=-"], dedup);
            Assert.Equal(2, await db.Notifications.CountAsync());
        }
    }
}
