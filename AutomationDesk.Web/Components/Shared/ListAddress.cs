using System.Collections;
using Microsoft.AspNetCore.Components;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>
/// A list's filters and page live in its address (read back through <c>[SupplyParameterFromQuery]</c>), so a filtered
/// view survives a reload and can be shared. Empty values leave the address, so an unfiltered list has a plain one.
/// </summary>
public static class ListAddress
{
    /// <summary>Writes the values into the address without a new history entry; nothing happens when it already says so.</summary>
    public static void Show(this NavigationManager navigation, IReadOnlyDictionary<string, object?> values)
    {
        // true is written "true" (the framework would write "True"); false, like every empty value, leaves the address.
        var cleaned = values.ToDictionary(v => v.Key, v => IsEmpty(v.Value) ? null : v.Value is true ? "true" : v.Value);
        var uri = navigation.GetUriWithQueryParameters(cleaned);
        if (!string.Equals(uri, navigation.Uri, StringComparison.Ordinal))
        {
            navigation.NavigateTo(uri, replace: true);
        }
    }

    /// <summary>Page 1 is the default and stays out of the address.</summary>
    public static int? Page(int page) => page > 1 ? page : null;

    /// <summary>Enum values as the address carries them: names, comma-separated (<c>status=Failed,TimedOut</c>).</summary>
    public static string Join<T>(IEnumerable<T> values) where T : struct, Enum => string.Join(',', values);

    /// <summary>The comma-separated values of the address that this enum knows (case-insensitive); others are left out.</summary>
    public static List<T> Parse<T>(string? names) where T : struct, Enum =>
        (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => Enum.TryParse<T>(n, ignoreCase: true, out var value) && Enum.IsDefined(value) ? (T?)value : null)
            .OfType<T>().Distinct().ToList();

    private static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string text => string.IsNullOrWhiteSpace(text),
        false => true,
        ICollection collection => collection.Count == 0,
        _ => false,
    };
}
