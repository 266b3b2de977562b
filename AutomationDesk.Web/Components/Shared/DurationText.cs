using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>
/// How a person types and reads a duration (<c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>, <c>1h30m</c>), beside the
/// forms the definition stores (<c>hh:mm:ss</c>, <c>d.hh:mm:ss</c>, ISO 8601 <c>PT30S</c>; WORKFLOW-FORMAT.md). The
/// definition keeps its own format: a typed duration is written as <c>hh:mm:ss</c>, so export, import and the API see
/// nothing new.
/// </summary>
public static partial class DurationText
{
    /// <summary>The hint every duration field gives, and the error for text that is none of the forms.</summary>
    public const string Forms = "a number and a unit (90s, 15m, 2h, 1d, 1h30m) or hh:mm:ss";

    private static readonly (string Unit, TimeSpan Length)[] Units =
    [
        ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)), ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)), ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    /// <summary>
    /// Reads a typed duration. <paramref name="error"/> says what is wrong in a person's words when it is none of the
    /// forms; empty text is no duration and no error.
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan? value, out string? error)
    {
        value = null;
        error = null;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return true;
        }
        if (Bare().IsMatch(trimmed))
        {
            // hh:mm:ss would read "15" as 15 days; a person typing it means some unit, so ask which.
            error = $"'{trimmed}' needs a unit: {trimmed}s, {trimmed}m, {trimmed}h or {trimmed}d.";
            return false;
        }
        if (DurationJsonConverter.TryParse(trimmed, out var stored))
        {
            value = stored;
            return true;
        }
        var parts = Part().Matches(trimmed);
        if (parts.Count > 0 && string.Concat(parts.Select(p => p.Value)) == trimmed)
        {
            // Added up in ticks as a double, so a huge count is refused in words instead of overflowing TimeSpan.
            var ticks = 0d;
            foreach (Match part in parts)
            {
                var unit = Units.Single(u => string.Equals(u.Unit, part.Groups["unit"].Value, StringComparison.OrdinalIgnoreCase)).Length;
                ticks += unit.Ticks * double.Parse(part.Groups["count"].Value, CultureInfo.InvariantCulture);
            }
            if (ticks >= TimeSpan.MaxValue.Ticks)
            {
                error = $"'{trimmed}' is longer than any duration the desk can keep (about 29,000 years).";
                return false;
            }
            value = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        error = $"'{trimmed}' is not a duration: use {Forms}.";
        return false;
    }

    /// <summary>The stored text of a duration: <c>hh:mm:ss</c>, with days as <c>d.hh:mm:ss</c>.</summary>
    public static string Store(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>The short form a person reads (<c>1h30m</c>); zero is <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }
        var text = new StringBuilder();
        var left = value;
        foreach (var (unit, length) in Units)
        {
            var count = left.Ticks / length.Ticks;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                left -= length * count;
            }
        }
        return left == TimeSpan.Zero ? text.ToString() : Store(value);
    }

    /// <summary>How a stored value reads in a field: the short form when it is a duration, else as it is (a template, or text Core refuses).</summary>
    public static string Show(string? stored) =>
        stored is not null && DurationJsonConverter.TryParse(stored, out var value) ? Format(value) : stored ?? "";

    [GeneratedRegex(@"\s*(?<count>\d+(\.\d+)?)\s*(?<unit>ms|d|h|m|s)\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    [GeneratedRegex(@"^\d+(\.\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Bare();
}
