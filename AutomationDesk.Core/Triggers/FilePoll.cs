using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// One poll of a file trigger: lists the files of its folder under <c>Files:Root</c> that match the pattern (not
/// sub-folders, so <c>processed/</c> is never read) and starts one run per new file. A file is taken only once its size
/// and modification time are the same at two polls in a row, so a file still being written waits. The run and the
/// <see cref="TakenFile"/> row are one commit; the move or delete comes after it, and a file found again that is
/// already recorded is only moved or deleted, never run twice. Symbolic links are not followed.
/// </summary>
public sealed class FilePoll(IDbContextFactory<DeskDbContext> dbFactory, ExecutionLauncher launcher, TimeProvider time, string root)
{
    /// <summary>The largest file whose content goes into the run (<c>text</c>, or <c>base64</c> when it is not UTF-8 text).</summary>
    public const int MaxContentBytes = 1024 * 1024;

    /// <summary>Files taken in one poll; the rest wait for the next.</summary>
    public const int MaxFilesPerPoll = 100;

    private static readonly Actor FileActor = new(ActorKind.System, "file trigger");
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Size and modification time of each file when last seen but not taken, per workflow: the "still being written" check.</summary>
    private readonly ConcurrentDictionary<(Guid Workflow, string Path), (long Size, DateTimeOffset ModifiedAt)> _seen = new();

    /// <summary>The folder every file trigger's folder lies in.</summary>
    public string Root { get; } = root;

    public async Task<PollOutcome> PollAsync(PolledWorkflow workflow, FileTrigger trigger, CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        var folder = FileTriggerPaths.Resolve(Root, trigger.Folder);
        List<FileInfo> files;
        try
        {
            Directory.CreateDirectory(folder);
            files = new DirectoryInfo(folder).EnumerateFiles()
                .Where(f => f.LinkTarget is null && FileTriggerPaths.Matches(trigger.Pattern, f.Name))
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileTriggerException($"The folder '{trigger.Folder}' under Files:Root cannot be read: {e.Message}", e);
        }
        List<TakenFile> taken;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            taken = await db.TakenFiles.AsNoTracking().Where(t => t.WorkflowId == workflow.WorkflowId).ToListAsync(ct);
        }
        var present = files.Select(f => FileTriggerPaths.Relative(Root, f.FullName)).ToHashSet(StringComparer.Ordinal);
        var count = 0;
        string? lastName = null;
        foreach (var file in files)
        {
            var path = FileTriggerPaths.Relative(Root, file.FullName);
            var size = file.Length;
            var modified = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
            if (taken.FirstOrDefault(t => t.Path == path && t.Size == size && t.ModifiedTicks == modified.UtcTicks) is { } earlier)
            {
                // Its run was recorded before the desk stopped: only what comes after the run is left to do.
                await SettleAsync(trigger, file, earlier.Id, ct);
                continue;
            }
            var key = (workflow.WorkflowId, path);
            if (!_seen.TryGetValue(key, out var before) || before != (size, modified))
            {
                _seen[key] = (size, modified);
                continue;
            }
            if (count == MaxFilesPerPoll)
            {
                break;
            }
            var body = await BodyAsync(file, path, size, modified, ct);
            var row = new TakenFile { WorkflowId = workflow.WorkflowId, Path = path, Size = size, ModifiedTicks = modified.UtcTicks };
            try
            {
                await launcher.StartAsync(workflow.WorkflowId, new RunRequest(TriggerTypes.File, new JsonObject { ["body"] = body }), FileActor, (db, executionId) =>
                {
                    row.ExecutionId = executionId;
                    row.TakenAt = time.GetUtcNow();
                    db.TakenFiles.Add(row);
                }, ct);
            }
            catch (DbUpdateException)
            {
                continue; // Another poller took this file at the same moment: its run stands.
            }
            _seen.TryRemove(key, out _);
            count++;
            lastName = file.Name;
            await SettleAsync(trigger, file, row.Id, ct);
        }
        await ForgetGoneAsync(workflow.WorkflowId, present, ct);
        foreach (var key in _seen.Keys.Where(k => k.Workflow == workflow.WorkflowId && !present.Contains(k.Path)))
        {
            _seen.TryRemove(key, out _);
        }
        return new PollOutcome(count, lastName);
    }

    /// <summary><c>{ path, name, size, modifiedAt, text | base64 }</c>; a file over <see cref="MaxContentBytes"/> has neither, and a note.</summary>
    private static async Task<JsonObject> BodyAsync(FileInfo file, string path, long size, DateTimeOffset modified, CancellationToken ct)
    {
        var body = new JsonObject { ["path"] = path, ["name"] = file.Name, ["size"] = size, ["modifiedAt"] = modified };
        if (size > MaxContentBytes)
        {
            body["note"] = $"The file is over {MaxContentBytes / (1024 * 1024)} MiB: its content is not in the run; read it from Files:Root/{path}.";
            return body;
        }
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file.FullName, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileTriggerException($"'{path}' cannot be read: {e.Message}", e);
        }
        if (Text(bytes) is { } text)
        {
            body["text"] = text;
        }
        else
        {
            body["base64"] = Convert.ToBase64String(bytes);
        }
        return body;
    }

    /// <summary>UTF-8 text without NUL characters (a binary file usually has some), else null.</summary>
    private static string? Text(byte[] bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.Contains('\0', StringComparison.Ordinal) ? null : text.TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Moves a taken file to <c>processed/</c> or deletes it, then forgets its row; a kept file keeps its row.</summary>
    private async Task SettleAsync(FileTrigger trigger, FileInfo file, long rowId, CancellationToken ct)
    {
        if (trigger.Then == FileTriggerPaths.Keep)
        {
            return;
        }
        try
        {
            if (trigger.Then == FileTriggerPaths.Delete)
            {
                file.Delete();
            }
            else
            {
                var processed = Directory.CreateDirectory(Path.Combine(file.DirectoryName!, FileTriggerPaths.Processed));
                file.MoveTo(FreeName(processed.FullName, file.Name));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileTriggerException($"'{file.Name}' started its run but could not be {(trigger.Then == FileTriggerPaths.Delete ? "deleted" : "moved to processed/")}: {e.Message} The next poll tries again; it does not run it again.", e);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.TakenFiles.Where(t => t.Id == rowId).ExecuteDeleteAsync(ct);
    }

    /// <summary><c>name.csv</c>, or <c>name (2).csv</c>, <c>name (3).csv</c>… when the name is taken in <paramref name="folder"/>.</summary>
    private static string FreeName(string folder, string name)
    {
        var candidate = Path.Combine(folder, name);
        for (var n = 2; File.Exists(candidate) || Directory.Exists(candidate); n++)
        {
            candidate = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(name)} ({n}){Path.GetExtension(name)}");
        }
        return candidate;
    }

    /// <summary>Rows of files that are no longer there (a kept file someone removed): a new file by that name is new.</summary>
    private async Task ForgetGoneAsync(Guid workflowId, HashSet<string> present, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.TakenFiles.Where(t => t.WorkflowId == workflowId).Select(t => new { t.Id, t.Path }).ToListAsync(ct);
        var gone = rows.Where(r => !present.Contains(r.Path)).Select(r => r.Id).ToList();
        if (gone.Count > 0)
        {
            await db.TakenFiles.Where(t => gone.Contains(t.Id)).ExecuteDeleteAsync(ct);
        }
    }
}
