using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Web.Api;

/// <summary>
/// Records as rows: one column per top-level field, nested values as compact JSON. The collection page's table and the
/// CSV export share it, so both show a record the same way.
/// </summary>
public static class RecordCells
{
    /// <summary>Every top-level field of these records, in the order they are first seen.</summary>
    public static List<string> ColumnsOf(IEnumerable<JsonNode?> records)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var columns = new List<string>();
        foreach (var field in records.OfType<JsonObject>().SelectMany(r => r.Select(p => p.Key)))
        {
            if (seen.Add(field))
            {
                columns.Add(field);
            }
        }
        return columns;
    }

    /// <summary>A value as a cell: text as it is, numbers and true/false as written, objects and arrays as compact JSON, nothing as empty.</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>The value of one field of a record (a record that is not an object has only empty fields).</summary>
    public static JsonNode? Field(JsonNode? record, string column) => record is JsonObject o ? o[column] : null;

    /// <summary>
    /// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. Text that a
    /// spreadsheet would run as a formula (it starts with = + - @, tab or CR) gets a leading apostrophe; a JSON number
    /// is left alone, since "-5" is a value, not a formula.
    /// </summary>
    public static string Csv(string text, bool isNumber = false)
    {
        if (!isNumber && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>A CSV line of cells, ended with CRLF as RFC 4180 asks.</summary>
    public static string CsvLine(IEnumerable<string> fields) => string.Join(',', fields) + "\r\n";

    public static bool IsNumber(JsonNode? value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    public static readonly Encoding Utf8WithMark = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
}
