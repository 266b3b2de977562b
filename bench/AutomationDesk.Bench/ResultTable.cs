using System.Globalization;
using System.Text;

namespace AutomationDesk.Bench;

/// <summary>The figures as a Markdown table, so a run can be pasted into bench/README.md as it is.</summary>
internal sealed class ResultTable
{
    private static readonly string[] Headers = ["#", "figure", "measured", "target", "met", "baseline (same run)"];
    private readonly List<string[]> _rows = [];

    public void Add(string number, string figure, string measured, string target, bool? met, string baseline) =>
        _rows.Add([number, figure, measured, target, met switch { true => "yes", false => "NO", null => "-" }, baseline]);

    public override string ToString()
    {
        var widths = Headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        Line(text, Headers, widths);
        text.Append('|').AppendJoin('|', widths.Select(w => new string('-', w + 2))).AppendLine("|");
        foreach (var row in _rows)
        {
            Line(text, row, widths);
        }
        return text.ToString();
    }

    public static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append('|');
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(' ').Append(cells[i].PadRight(widths[i])).Append(" |");
        }
        text.AppendLine();
    }
}
