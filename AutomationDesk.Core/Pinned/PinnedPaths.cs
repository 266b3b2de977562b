using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutomationDesk.Core.Pinned;

/// <summary>
/// The template paths found in real data (<c>steps.fetch.output.body.sales.total</c>), for the editor's suggestions and
/// its clickable output trees. Only names a template can spell are followed; arrays offer their first item.
/// </summary>
public static partial class PinnedPaths
{
    /// <summary>How deep below the prefix paths are offered.</summary>
    public const int MaxDepth = 5;

    /// <summary>How many paths one value offers at most, so a large output cannot flood the suggestions.</summary>
    public const int MaxCount = 200;

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_\-$]*$")]
    private static partial Regex NamePattern();

    /// <summary>True when a template can name this key (<c>a.b</c> works for <c>b</c>, not for <c>"two words"</c>).</summary>
    public static bool IsName(string key) => NamePattern().IsMatch(key);

    /// <summary>The path of a child: <c>prefix.key</c> for a field, <c>prefix[2]</c> for an item; null when no template can name it.</summary>
    public static string? Child(string prefix, string key) => IsName(key) ? $"{prefix}.{key}" : null;

    public static string Item(string prefix, int index) => $"{prefix}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>Every path below <paramref name="prefix"/> in <paramref name="value"/>, breadth first, bounded in depth and count.</summary>
    public static IReadOnlyList<string> Below(JsonNode? value, string prefix)
    {
        var paths = new List<string>();
        var queue = new Queue<(JsonNode? Node, string Path, int Depth)>();
        queue.Enqueue((value, prefix, 0));
        while (queue.Count > 0 && paths.Count < MaxCount)
        {
            var (node, path, depth) = queue.Dequeue();
            if (depth >= MaxDepth)
            {
                continue;
            }
            var children = node switch
            {
                JsonObject obj => obj.Select(p => (p.Value, Path: Child(path, p.Key))),
                JsonArray { Count: > 0 } array => [(array[0], Path: Item(path, 0))],
                _ => [],
            };
            foreach (var (child, childPath) in children)
            {
                if (childPath is null || paths.Count >= MaxCount)
                {
                    continue;
                }
                paths.Add(childPath);
                queue.Enqueue((child, childPath, depth + 1));
            }
        }
        return paths;
    }
}
