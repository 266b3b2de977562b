using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Artifacts;

/// <summary>
/// Run artifacts: the file under <c>{root}/{executionId}/{artifactId}</c>, its row in the database. A file is written
/// whole (to a temporary name, then renamed) before its row exists, so a listed artifact can always be read.
/// </summary>
public sealed class ArtifactStore(IDbContextFactory<DeskDbContext> dbFactory, IOptions<ArtifactOptions> options, string defaultRoot, TimeProvider time)
{
    public string Root { get; } = options.Value.Root is { Length: > 0 } root ? Path.GetFullPath(root) : defaultRoot;

    public long MaxBytes => options.Value.MaxBytes;

    /// <summary>Keeps <paramref name="content"/> as an artifact of the run; over <see cref="MaxBytes"/> it is refused and nothing is kept.</summary>
    public async Task<Artifact> SaveAsync(Guid executionId, string stepId, string name, string? contentType, Stream content, CancellationToken ct)
    {
        var artifact = NewArtifact(executionId, stepId, name, contentType);
        await WriteAsync(artifact, PathOf(executionId, artifact.Id), content, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Artifacts.Add(artifact);
        await db.SaveChangesAsync(ct);
        return artifact;
    }

    /// <summary>
    /// Writes an artifact for a run that is not written yet (an email trigger's attachment): the file waits under
    /// <c>staged/</c> until <see cref="Attach"/> gives it to the run in the run's own commit. A staged file whose run
    /// never came (the desk stopped in between) belongs to nobody and is never listed.
    /// </summary>
    public async Task<StagedArtifact> StageAsync(string stepId, string name, string? contentType, Stream content, CancellationToken ct)
    {
        var artifact = NewArtifact(Guid.Empty, stepId, name, contentType);
        var staged = Path.Combine(Root, "staged", artifact.Id.ToString("N"));
        await WriteAsync(artifact, staged, content, ct);
        return new StagedArtifact(artifact, staged);
    }

    /// <summary>Moves a staged file to its run and adds its row to <paramref name="db"/>, to be saved with the run.</summary>
    public void Attach(DeskDbContext db, StagedArtifact staged, Guid executionId)
    {
        staged.Artifact.ExecutionId = executionId;
        var path = PathOf(executionId, staged.Artifact.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(staged.Path, path);
        db.Artifacts.Add(staged.Artifact);
    }

    /// <summary>Deletes a staged file that will not be attached (its run was not started).</summary>
    public static void Discard(StagedArtifact staged) => File.Delete(staged.Path);

    private Artifact NewArtifact(Guid executionId, string stepId, string name, string? contentType)
    {
        var now = time.GetUtcNow();
        return new Artifact
        {
            Id = Guid.CreateVersion7(now),
            ExecutionId = executionId,
            StepId = stepId,
            Name = SafeName(name),
            ContentType = string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType,
            CreatedAt = now,
        };
    }

    private async Task WriteAsync(Artifact artifact, string path, Stream content, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".part";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    artifact.Size += read;
                    if (artifact.Size > MaxBytes)
                    {
                        throw new ArtifactTooLargeException($"'{artifact.Name}' is over the artifact limit of {MaxBytes / (1024 * 1024)} MiB (Artifacts:MaxBytes).");
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            File.Move(temporary, path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<IReadOnlyList<Artifact>> ListAsync(Guid executionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Artifacts.AsNoTracking().Where(a => a.ExecutionId == executionId).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ct);
    }

    public async Task<Artifact?> FindAsync(Guid executionId, Guid artifactId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Artifacts.AsNoTracking().SingleOrDefaultAsync(a => a.ExecutionId == executionId && a.Id == artifactId, ct);
    }

    /// <summary>The artifact's file for reading; null when it is gone from the disk.</summary>
    public Stream? Open(Artifact artifact)
    {
        var path = PathOf(artifact.ExecutionId, artifact.Id);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
    }

    /// <summary>
    /// Deletes the files of runs whose rows are gone (retention deletes the rows, then calls this after its commit, so a
    /// listed artifact always has its file). A folder already gone is fine.
    /// </summary>
    public void DeleteFilesOf(IEnumerable<Guid> executionIds)
    {
        foreach (var executionId in executionIds)
        {
            var folder = Path.Combine(Root, executionId.ToString("N"));
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The rows are gone already; a folder that cannot be removed now (a file held open) is only disk space,
                // and must not stop the prune that deletes the runs after it.
            }
        }
    }

    private string PathOf(Guid executionId, Guid artifactId) => Path.Combine(Root, executionId.ToString("N"), artifactId.ToString("N"));

    /// <summary>The file name without folders or control characters, at most 200 characters: it is shown and sent as a download name.</summary>
    private static string SafeName(string name)
    {
        var leaf = Path.GetFileName(name.Replace('\\', '/'));
        var clean = new string(leaf.Where(c => !char.IsControl(c)).ToArray()).Trim();
        clean = clean.Length == 0 ? "artifact" : clean;
        return clean.Length > 200 ? clean[..200] : clean;
    }
}

/// <summary>An artifact written but not yet given to a run: its row (without a run) and where its file waits.</summary>
public sealed record StagedArtifact(Artifact Artifact, string Path);

public sealed class ArtifactTooLargeException(string message) : Exception(message);
