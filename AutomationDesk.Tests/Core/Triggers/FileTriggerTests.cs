using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Triggers;

/// <summary>The file trigger on a real folder under Files:Root: each file taken once, then moved, deleted or kept.</summary>
public sealed class FileTriggerTests : IAsyncLifetime
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private CoreDesk _desk = null!;

    private string Root => _desk.Get<FilePoll>().Root;

    private string Incoming => Path.Combine(Root, "incoming");

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static JsonObject Definition(string folder = "incoming", string pattern = "*", string then = "move") => new()
    {
        ["name"] = "Incoming files",
        ["trigger"] = new JsonObject
        {
            ["type"] = "file",
            ["file"] = new JsonObject { ["folder"] = folder, ["pattern"] = pattern, ["every"] = "00:00:05", ["then"] = then },
        },
        ["steps"] = new JsonArray { new JsonObject { ["id"] = "name", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "${trigger.body.name}" } } },
    };

    private async Task<Guid> SaveAsync(string pattern = "*", string then = "move")
    {
        Directory.CreateDirectory(Incoming);
        return await _desk.SaveAsync(Definition(pattern: pattern, then: then));
    }

    private async Task PollAsync()
    {
        await _desk.Get<TriggerPoller>().PollDueAsync(CancellationToken.None);
        _desk.Time.Advance(Every);
    }

    /// <summary>A file is taken once it looks the same at two polls in a row.</summary>
    private async Task PollTwiceAsync()
    {
        await PollAsync();
        await PollAsync();
    }

    private async Task<List<JsonNode>> BodiesAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        var inputs = await db.Executions.AsNoTracking().Where(e => e.WorkflowId == workflowId).Select(e => e.TriggerInputJson).ToListAsync();
        return inputs.Select(i => JsonNode.Parse(i)!["body"]!).OrderBy(b => (string?)b["name"], StringComparer.Ordinal).ToList();
    }

    private static List<string?> Names(IEnumerable<JsonNode> bodies) => bodies.Select(b => (string?)b["name"]).ToList();

    [Fact]
    public async Task A_new_file_starts_one_run_with_its_text_and_is_moved_to_processed()
    {
        var id = await SaveAsync();
        await File.WriteAllTextAsync(Path.Combine(Incoming, "orders.csv"), "sku,qty\nA-1,3\n");

        await PollTwiceAsync();
        await PollTwiceAsync();
        await _desk.RunDueWorkAsync();

        var body = Assert.Single(await BodiesAsync(id));
        Assert.Equal("incoming/orders.csv", (string?)body["path"]);
        Assert.Equal("orders.csv", (string?)body["name"]);
        Assert.Equal(14, (long)body["size"]!);
        Assert.Equal("sku,qty\nA-1,3\n", (string?)body["text"]);
        Assert.Null(body["base64"]);
        Assert.False(File.Exists(Path.Combine(Incoming, "orders.csv")));
        Assert.Equal("sku,qty\nA-1,3\n", await File.ReadAllTextAsync(Path.Combine(Incoming, "processed", "orders.csv")));
        await using var db = _desk.NewDb();
        Assert.Empty(await db.TakenFiles.ToListAsync());
        Assert.Equal(AutomationDesk.Core.Execution.ExecutionStatus.Succeeded, (await db.Executions.SingleAsync(e => e.WorkflowId == id)).Status);
    }

    [Fact]
    public async Task A_name_already_in_processed_gets_a_number()
    {
        await SaveAsync();
        Directory.CreateDirectory(Path.Combine(Incoming, "processed"));
        await File.WriteAllTextAsync(Path.Combine(Incoming, "processed", "orders.csv"), "earlier");
        await File.WriteAllTextAsync(Path.Combine(Incoming, "orders.csv"), "later");

        await PollTwiceAsync();

        Assert.Equal("earlier", await File.ReadAllTextAsync(Path.Combine(Incoming, "processed", "orders.csv")));
        Assert.Equal("later", await File.ReadAllTextAsync(Path.Combine(Incoming, "processed", "orders (2).csv")));
    }

    [Fact]
    public async Task A_deleted_file_is_taken_once_and_gone()
    {
        var id = await SaveAsync(then: "delete");
        await File.WriteAllTextAsync(Path.Combine(Incoming, "a.txt"), "a");

        await PollTwiceAsync();
        await PollTwiceAsync();

        Assert.Equal(["a.txt"], Names(await BodiesAsync(id)));
        Assert.Empty(Directory.GetFileSystemEntries(Incoming));
    }

    [Fact]
    public async Task A_kept_file_is_not_taken_again_at_the_next_polls_nor_after_a_restart_but_a_changed_one_is()
    {
        var id = await SaveAsync(then: "keep");
        var path = Path.Combine(Incoming, "report.txt");
        await File.WriteAllTextAsync(path, "v1");

        await PollTwiceAsync();
        await PollTwiceAsync();
        _desk = await _desk.RestartAsync();
        await PollTwiceAsync();
        Assert.Equal(["report.txt"], Names(await BodiesAsync(id)));
        Assert.True(File.Exists(path));

        await File.WriteAllTextAsync(path, "version 2");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        await PollTwiceAsync();

        var bodies = await BodiesAsync(id);
        Assert.Equal(2, bodies.Count);
        Assert.Contains(bodies, b => (string?)b["text"] == "version 2");
    }

    [Fact]
    public async Task A_file_still_being_written_waits_until_it_looks_the_same_at_two_polls()
    {
        var id = await SaveAsync();
        var path = Path.Combine(Incoming, "big.csv");
        await File.WriteAllTextAsync(path, "part 1");

        await PollAsync();
        await File.AppendAllTextAsync(path, ", part 2");
        await PollAsync();
        Assert.Empty(await BodiesAsync(id));
        await PollAsync();

        Assert.Equal("part 1, part 2", (string?)Assert.Single(await BodiesAsync(id))["text"]);
    }

    [Fact]
    public async Task Only_files_matching_the_pattern_are_taken_and_sub_folders_are_not_read()
    {
        var id = await SaveAsync(pattern: "*.csv");
        await File.WriteAllTextAsync(Path.Combine(Incoming, "a.csv"), "a");
        await File.WriteAllTextAsync(Path.Combine(Incoming, "b.CSV"), "b");
        await File.WriteAllTextAsync(Path.Combine(Incoming, "notes.txt"), "n");
        Directory.CreateDirectory(Path.Combine(Incoming, "sub"));
        await File.WriteAllTextAsync(Path.Combine(Incoming, "sub", "c.csv"), "c");

        await PollTwiceAsync();

        Assert.Equal(["a.csv"], Names(await BodiesAsync(id)));
        Assert.True(File.Exists(Path.Combine(Incoming, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(Incoming, "sub", "c.csv")));
    }

    [Fact]
    public async Task A_binary_file_comes_as_base64()
    {
        var id = await SaveAsync();
        byte[] content = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF];
        await File.WriteAllBytesAsync(Path.Combine(Incoming, "logo.png"), content);

        await PollTwiceAsync();

        var body = Assert.Single(await BodiesAsync(id));
        Assert.Equal(Convert.ToBase64String(content), (string?)body["base64"]);
        Assert.Null(body["text"]);
    }

    [Fact]
    public async Task A_file_whose_run_was_recorded_before_a_stop_is_only_moved_not_run_again()
    {
        var id = await SaveAsync();
        var path = Path.Combine(Incoming, "orders.csv");
        await File.WriteAllTextAsync(path, "x");
        var info = new FileInfo(path);
        await using (var db = _desk.NewDb())
        {
            // What the commit of a run leaves when the desk stops before the move.
            db.TakenFiles.Add(new TakenFile
            {
                WorkflowId = id, Path = "incoming/orders.csv", Size = info.Length, ModifiedTicks = info.LastWriteTimeUtc.Ticks,
                ExecutionId = Guid.NewGuid(), TakenAt = _desk.Time.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        }

        await PollTwiceAsync();

        Assert.Empty(await BodiesAsync(id));
        Assert.True(File.Exists(Path.Combine(Incoming, "processed", "orders.csv")));
        await using var check = _desk.NewDb();
        Assert.Empty(await check.TakenFiles.ToListAsync());
    }

    [Fact]
    public async Task A_folder_linked_outside_the_root_is_refused_when_polled()
    {
        var outside = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "desk-outside-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "s");
            Directory.CreateDirectory(Root);
            Directory.CreateSymbolicLink(Incoming, outside);
            var id = await _desk.SaveAsync(Definition());

            await PollTwiceAsync();

            Assert.Empty(await BodiesAsync(id));
            var view = (await _desk.Get<ScheduleOverview>().GetAsync(id, CancellationToken.None))!;
            Assert.Contains("leads outside Files:Root through a symbolic link", view.Poll!.LastError, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(outside, "secret.txt")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Theory]
    [InlineData("../x", "leaves Files:Root")]
    [InlineData("/etc", "is an absolute path")]
    [InlineData("in/../../etc", "leaves Files:Root")]
    public async Task A_folder_outside_the_root_is_refused_at_save(string folder, string says)
    {
        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => _desk.SaveAsync(Definition(folder: folder)));

        Assert.Contains(says, Assert.Single(error.Errors["trigger.file.folder"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pattern", "sub/*.csv", "trigger.file.pattern")]
    [InlineData("then", "archive", "trigger.file.then")]
    [InlineData("every", "00:00:00.500", "trigger.file.every")]
    [InlineData("every", "2.00:00:00", "trigger.file.every")]
    public async Task File_settings_out_of_bounds_are_refused_at_save(string field, string value, string path)
    {
        var definition = Definition();
        definition["trigger"]!["file"]![field] = value;

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => _desk.SaveAsync(definition));

        Assert.True(error.Errors.ContainsKey(path), string.Join(", ", error.Errors.Keys));
    }

    [Fact]
    public async Task Only_a_file_trigger_has_file_settings()
    {
        var definition = Definition();
        definition["trigger"]!["type"] = "manual";

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => _desk.SaveAsync(definition));

        Assert.Equal(["Only a 'file' trigger has 'file' settings."], error.Errors["trigger.file"]);
    }

    [Fact]
    public async Task Text_in_utf8_with_a_byte_order_mark_reads_as_text()
    {
        var id = await SaveAsync();
        await File.WriteAllBytesAsync(Path.Combine(Incoming, "bom.txt"), [.. Encoding.UTF8.GetPreamble(), .. "Grüße"u8.ToArray()]);

        await PollTwiceAsync();

        Assert.Equal("Grüße", (string?)Assert.Single(await BodiesAsync(id))["text"]);
    }

    [Fact]
    public async Task A_paused_file_trigger_takes_nothing_until_resumed()
    {
        var id = await SaveAsync();
        await _desk.Get<ScheduleActions>().SetPausedAsync(id, true, Actor.User("tester@desk.test"), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(Incoming, "a.txt"), "a");

        await PollTwiceAsync();
        Assert.Empty(await BodiesAsync(id));
        await _desk.Get<ScheduleActions>().SetPausedAsync(id, false, Actor.User("tester@desk.test"), CancellationToken.None);
        await PollTwiceAsync();

        Assert.Equal(["a.txt"], Names(await BodiesAsync(id)));
    }
}
