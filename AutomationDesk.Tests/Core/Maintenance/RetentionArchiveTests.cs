using System.IO.Compression;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Maintenance;

public sealed class RetentionArchiveTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private AgedRows _rows = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _rows = new AgedRows(_desk);
    }

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private Task<PruneResult> PruneAsync() => _desk.Get<RetentionPrune>().PruneAsync(Actor.System, null, CancellationToken.None);

    private static List<JsonObject> Lines(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    [Fact]
    public async Task With_archive_on_the_deleted_rows_are_written_as_gzipped_json_lines_first()
    {
        await _desk.Get<DeskSettings>().SetAsync("retention.archive", JsonValue.Create(true), Actor.System, CancellationToken.None);
        var workflow = await _rows.WorkflowAsync();
        var old = await _rows.RunAsync(workflow, daysAgo: 40);
        await _rows.RunAsync(workflow, daysAgo: 1);
        var oldEvent = await _rows.WebhookEventAsync(workflow, daysAgo: 31);
        var oldNote = await _rows.NotificationAsync(daysAgo: 91, executionId: old);

        var result = await PruneAsync();

        var folder = Path.Combine(Path.GetDirectoryName(_desk.DatabasePath)!, "archive", CoreDesk.Epoch.ToString("yyyy-MM-dd"));
        Assert.Equal(folder, result.ArchivedTo);
        var run = Assert.Single(Lines(Path.Combine(folder, "executions-1.jsonl.gz")));
        Assert.Equal(old, run["execution"]!["id"]!.GetValue<Guid>());
        Assert.Equal("Succeeded", run["execution"]!["status"]!.GetValue<string>());
        Assert.Equal(["a", "b"], run["execution"]!["steps"]!.AsArray().Select(s => s!["stepId"]!.GetValue<string>()).Order());
        Assert.Equal("c1", run["execution"]!["keys"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(3, run["logs"]!.AsArray().Count);
        Assert.Equal(oldEvent, Assert.Single(Lines(Path.Combine(folder, "webhook-events-1.jsonl.gz")))["id"]!.GetValue<Guid>());
        var note = Assert.Single(Lines(Path.Combine(folder, "notifications-1.jsonl.gz")));
        Assert.Equal(oldNote, note["id"]!.GetValue<Guid>());
        Assert.Equal("reader", note["reads"]![0]!["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_prune_on_the_same_day_archives_to_files_of_its_own()
    {
        await _desk.Get<DeskSettings>().SetAsync("retention.archive", JsonValue.Create(true), Actor.System, CancellationToken.None);
        var workflow = await _rows.WorkflowAsync();
        var first = await _rows.RunAsync(workflow, daysAgo: 40);
        await PruneAsync();
        var second = await _rows.RunAsync(workflow, daysAgo: 40);

        var result = await PruneAsync();

        Assert.Equal(first, Assert.Single(Lines(Path.Combine(result.ArchivedTo!, "executions-1.jsonl.gz")))["execution"]!["id"]!.GetValue<Guid>());
        Assert.Equal(second, Assert.Single(Lines(Path.Combine(result.ArchivedTo!, "executions-2.jsonl.gz")))["execution"]!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Without_archive_nothing_is_written()
    {
        var workflow = await _rows.WorkflowAsync();
        await _rows.RunAsync(workflow, daysAgo: 40);

        var result = await PruneAsync();

        Assert.Equal(1, result.Executions);
        Assert.Null(result.ArchivedTo);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(_desk.DatabasePath)!, "archive")));
    }

    [Fact]
    public async Task The_database_file_shrinks_after_a_prune_of_many_rows()
    {
        var workflow = await _rows.WorkflowAsync();
        for (var i = 0; i < 400; i++)
        {
            await _rows.RunAsync(workflow, daysAgo: 40, outputBytes: 8000);
        }
        await using (var db = _desk.NewDb())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        var before = new FileInfo(_desk.DatabasePath).Length;

        var result = await PruneAsync();

        var after = new FileInfo(_desk.DatabasePath).Length;
        Assert.Equal(400, result.Executions);
        Assert.True(after < before / 2, $"the file went from {before} to {after} bytes");
        Assert.True(result.DatabaseBytesAfter < result.DatabaseBytesBefore, $"file and WAL went from {result.DatabaseBytesBefore} to {result.DatabaseBytesAfter} bytes");
    }

    [Fact]
    public async Task A_new_database_is_created_with_incremental_auto_vacuum_and_an_old_one_is_converted_once()
    {
        await using (var db = _desk.NewDb())
        {
            Assert.Equal(2L, await AutoVacuumAsync(db));
        }
        var old = Path.Combine(Path.GetDirectoryName(_desk.DatabasePath)!, "old.db");
        await using (var raw = new SqliteConnection($"Data Source={old}"))
        {
            await raw.OpenAsync();
            await using var create = raw.CreateCommand();
            create.CommandText = "CREATE TABLE Leftover (Id INTEGER PRIMARY KEY, Text TEXT); INSERT INTO Leftover (Text) VALUES ('kept');";
            await create.ExecuteNonQueryAsync();
        }

        var options = new DbContextOptionsBuilder<DeskDbContext>();
        DeskDatabase.Configure(options, $"Data Source={old}");
        await using (var db = new DeskDbContext(options.Options))
        {
            await DeskDatabase.MigrateAsync(db, CancellationToken.None);
            Assert.Equal(2L, await AutoVacuumAsync(db));
            Assert.Equal(["kept"], await db.Database.SqlQueryRaw<string>("SELECT Text AS Value FROM Leftover").ToListAsync());
            Assert.False(await db.Executions.AnyAsync());
        }
        SqliteConnection.ClearAllPools();
    }

    private static async Task<long> AutoVacuumAsync(DeskDbContext db) =>
        (await db.Database.SqlQueryRaw<long>("SELECT auto_vacuum AS Value FROM pragma_auto_vacuum").ToListAsync()).Single();
}
