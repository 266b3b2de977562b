using System.IO.Enumeration;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// What a file trigger's folder and pattern may say, and where its folder is on disk. A folder is a path relative to
/// <c>Files:Root</c> that cannot leave it: at save time an absolute path or a <c>..</c> is refused; at poll time a
/// symbolic link on the way that points outside the root is refused too (a link can be made after the save).
/// </summary>
public static class FileTriggerPaths
{
    public const string Move = "move";
    public const string Delete = "delete";
    public const string Keep = "keep";

    /// <summary>The folder (inside the watched one) that <c>then: move</c> moves taken files to; never itself watched.</summary>
    public const string Processed = "processed";

    public static readonly IReadOnlyList<string> ThenChoices = [Move, Delete, Keep];

    /// <summary>Why <paramref name="folder"/> cannot be a file trigger's folder; null when it can.</summary>
    public static string? FolderProblem(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder) || folder.Length > 200)
        {
            return "The folder to watch, relative to Files:Root, 1 to 200 characters (for example incoming).";
        }
        if (folder.Any(char.IsControl))
        {
            return "A folder name has no control characters.";
        }
        if (Path.IsPathRooted(folder) || folder.StartsWith('/') || folder.StartsWith('\\') || folder.Contains(':', StringComparison.Ordinal))
        {
            return $"'{folder}' is an absolute path: give a folder relative to Files:Root (for example incoming).";
        }
        if (Segments(folder).Any(s => s == ".."))
        {
            return $"'{folder}' leaves Files:Root through '..': give a folder inside it.";
        }
        return null;
    }

    /// <summary>Why <paramref name="pattern"/> is not a simple file-name glob; null when it is.</summary>
    public static string? PatternProblem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > 100)
        {
            return "A file-name pattern, 1 to 100 characters, with * and ? as wildcards (for example *.csv).";
        }
        if (pattern.Contains('/', StringComparison.Ordinal) || pattern.Contains('\\', StringComparison.Ordinal))
        {
            return $"'{pattern}' names a folder: a pattern matches file names only (set the folder in 'folder').";
        }
        if (pattern.Any(char.IsControl))
        {
            return "A pattern has no control characters.";
        }
        return null;
    }

    /// <summary>Whether a file name matches the pattern: <c>*</c> any run of characters, <c>?</c> one; case-sensitive.</summary>
    public static bool Matches(string pattern, string name) => FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false);

    /// <summary>
    /// The watched folder's full path under <paramref name="root"/>. Throws <see cref="FileTriggerException"/> naming the
    /// problem when the folder (or a link on the way to it) leads outside the root.
    /// </summary>
    public static string Resolve(string root, string folder)
    {
        if (FolderProblem(folder) is { } problem)
        {
            throw new FileTriggerException(problem);
        }
        var realRoot = RealPath(root);
        var current = realRoot;
        foreach (var segment in Segments(folder).Where(s => s is not ("" or ".")))
        {
            current = Path.Combine(current, segment);
            if (new DirectoryInfo(current).LinkTarget is not null)
            {
                current = RealPath(current);
                if (!Inside(realRoot, current))
                {
                    throw new FileTriggerException($"The folder '{folder}' leads outside Files:Root through a symbolic link: it is not watched.");
                }
            }
        }
        return current;
    }

    /// <summary>A path relative to the root, with forward slashes, as runs and the taken-file records show it.</summary>
    public static string Relative(string root, string fullPath) => Path.GetRelativePath(RealPath(root), fullPath).Replace('\\', '/');

    private static bool Inside(string root, string path) =>
        path == root || path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        return new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }

    private static string[] Segments(string folder) => folder.Split('/', '\\');
}

/// <summary>A file trigger cannot read its folder, told in a person's words.</summary>
public sealed class FileTriggerException(string message, Exception? inner = null) : Exception(message, inner);
