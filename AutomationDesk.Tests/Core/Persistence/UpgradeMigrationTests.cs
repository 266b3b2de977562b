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
    public async Task Read_notifications_stay_read_for_every_person_retries_know_their_first_run_and_github_sources_deduplicate_by_delivery_id()
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
                INSERT INTO Executions (Id, Attempt, CorrelationId, CreatedAt, Progress, Status, TriggerInputJson, TriggerKind, WorkflowId, WorkflowName, WorkflowVersion, ParentExecutionId)
                VALUES ('AAAAAAAA-0000-0000-0000-000000000001', 1, 'c', 0, 100, 'Failed', '{{}}', 'manual', 'BBBBBBBB-0000-0000-0000-000000000001', 'w', 1, NULL),
                       ('AAAAAAAA-0000-0000-0000-000000000002', 2, 'c', 1, 100, 'Failed', '{{}}', 'manual', 'BBBBBBBB-0000-0000-0000-000000000001', 'w', 1, 'AAAAAAAA-0000-0000-0000-000000000001'),
                       ('AAAAAAAA-0000-0000-0000-000000000003', 3, 'c', 2, 100, 'Failed', '{{}}', 'manual', 'BBBBBBBB-0000-0000-0000-000000000001', 'w', 1, 'AAAAAAAA-0000-0000-0000-000000000002'),
                       ('AAAAAAAA-0000-0000-0000-000000000004', 1, 'c', 3, 100, 'Succeeded', '{{}}', 'event', 'BBBBBBBB-0000-0000-0000-000000000002', 'w2', 1, 'AAAAAAAA-0000-0000-0000-000000000001');
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
            var origins = await db.Database.SqlQueryRaw<string>("""
                SELECT substr("Id", 36, 1) || '>' || COALESCE(substr("OriginExecutionId", 36, 1), '-') AS Value FROM "Executions" ORDER BY "Id"
                """).ToListAsync();
            Assert.Equal(["1>-", "2>1", "3>1", "4>-"], origins); // retries lead back to the first run; an event-started child is no retry

        }
    }
}
