namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The IANA time-zone ids the desk's machine knows (what a schedule's <c>timezone</c> takes), for the suggestions of
/// the time-zone field: "berlin", "new york" or "europe/" each find their zones.
/// </summary>
public static class TimeZoneNames
{
    /// <summary>Every id, sorted; a Windows machine's zones are given by their IANA ids.</summary>
    public static IReadOnlyList<string> All { get; } = TimeZoneInfo.GetSystemTimeZones()
        .Select(zone => zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : zone.Id)
        .Append("UTC")
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The ids that contain <paramref name="text"/> in any part, ignoring case and reading <c>_</c> as a space; those
    /// where a part starts with it come first. Empty text gives them all.
    /// </summary>
    public static IEnumerable<string> Matching(string? text)
    {
        var wanted = Spaced(text?.Trim() ?? "");
        if (wanted.Length == 0)
        {
            return All;
        }
        return All
            .Where(id => Spaced(id).Contains(wanted, StringComparison.OrdinalIgnoreCase))
            .OrderBy(id => Spaced(id).Split('/').Any(part => part.StartsWith(wanted, StringComparison.OrdinalIgnoreCase)) ? 0 : 1);
    }

    private static string Spaced(string text) => text.Replace('_', ' ');
}
