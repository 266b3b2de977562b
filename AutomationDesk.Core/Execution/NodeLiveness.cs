using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// Tells a desk process that has died from one that runs, among the processes that use this database file on this
/// machine. While it runs, each process holds an exclusive lock on a file named for its node (<c>Engine:NodeName</c>)
/// in a <c>nodes</c> folder beside the database. The operating system lets go of the lock when the process ends,
/// however it ends (SIGKILL included), so recovery can take back at once the runs a dead process held instead of
/// waiting out their lease. A node with no file (another machine, an in-memory database) is never taken for dead.
/// </summary>
public sealed partial class NodeLiveness : IDisposable
{
    private readonly string? _folder;
    private readonly string _self;
    private readonly FileStream? _own;

    public NodeLiveness(string? databaseFolder, IOptions<EngineOptions> options, ILogger<NodeLiveness> logger)
    {
        _self = options.Value.NodeName;
        if (databaseFolder is null)
        {
            return;
        }
        _folder = Path.Combine(databaseFolder, "nodes");
        Directory.CreateDirectory(_folder);
        _own = TryLock(LockFile(_self), FileMode.OpenOrCreate);
        if (_own is null)
        {
            Log.NameInUse(logger, _self);
        }
    }

    /// <summary>
    /// True when the process that wrote <paramref name="owner"/> as a lease owner has ended: its lock file is there
    /// and nobody holds it. This process's own name counts as ended when this process holds its lock, since then no
    /// other live process has the name: a lease under it was taken by an earlier life of this node.
    /// </summary>
    public bool HasEnded(string owner)
    {
        if (_folder is null)
        {
            return false;
        }
        if (owner == _self)
        {
            return _own is not null;
        }
        var path = LockFile(owner);
        using var taken = TryLock(path, FileMode.Open);
        if (taken is null)
        {
            return false;
        }
        TryDelete(path); // Its process is gone; the file would only pile up (each start of a default-named node is new).
        return true;
    }

    /// <summary>
    /// True when a process on this machine wrote <paramref name="owner"/> as a lease owner and has ended, as seen from a
    /// look that changes nothing (for health reports; <see cref="HasEnded"/> also clears the dead process's file).
    /// </summary>
    public bool IsGone(string owner)
    {
        if (_folder is null || owner == _self)
        {
            return false;
        }
        using var taken = TryLock(LockFile(owner), FileMode.Open);
        return taken is not null;
    }

    private string LockFile(string node)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return Path.Combine(_folder!, new string(node.Select(c => invalid.Contains(c) ? '_' : c).ToArray()) + ".lock");
    }

    /// <summary>The file, opened with an exclusive lock (flock on Linux); null when it is missing, held by another process, or not ours to open.</summary>
    private static FileStream? TryLock(string path, FileMode mode)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: the next start finds it free and clears it then.
        }
    }

    public void Dispose()
    {
        if (_own is null)
        {
            return;
        }
        var path = _own.Name;
        _own.Dispose();
        TryDelete(path);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Another running desk process uses the node name {NodeName}: give each process its own Engine:NodeName")]
        public static partial void NameInUse(ILogger logger, string nodeName);
    }
}
