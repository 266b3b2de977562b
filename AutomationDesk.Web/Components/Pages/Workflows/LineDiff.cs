namespace AutomationDesk.Web.Components.Pages.Workflows;

public enum DiffKind { Same, Changed, Removed, Added }

/// <summary>One row of a side-by-side diff: the left line, the right line, or both.</summary>
public sealed record DiffRow(DiffKind Kind, string? Left, string? Right);

/// <summary>A small line diff (longest common subsequence), enough for two versions of a definition.</summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffRow> Compare(string left, string right)
    {
        var a = left.ReplaceLineEndings("\n").Split('\n');
        var b = right.ReplaceLineEndings("\n").Split('\n');
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }
        var rows = new List<DiffRow>();
        var removed = new List<string>();
        var added = new List<string>();
        void Flush()
        {
            // A run of removed lines followed by added ones reads best as changed lines side by side.
            for (var k = 0; k < Math.Max(removed.Count, added.Count); k++)
            {
                var l = k < removed.Count ? removed[k] : null;
                var r = k < added.Count ? added[k] : null;
                rows.Add(new DiffRow(l is not null && r is not null ? DiffKind.Changed : l is not null ? DiffKind.Removed : DiffKind.Added, l, r));
            }
            removed.Clear();
            added.Clear();
        }
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                Flush();
                rows.Add(new DiffRow(DiffKind.Same, a[x], b[y]));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
            {
                added.Add(b[y++]);
            }
            else
            {
                removed.Add(a[x++]);
            }
        }
        Flush();
        return rows;
    }
}
