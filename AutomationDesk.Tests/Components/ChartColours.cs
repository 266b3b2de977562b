using AngleSharp.Dom;

namespace AutomationDesk.Tests.Components;

/// <summary>What colour a rendered MudBlazor chart paints each series in, read from its legend (marker and name).</summary>
public static class ChartColours
{
    private const string Background = "background-color:";

    public static Dictionary<string, string> Of(IElement chart) =>
        chart.QuerySelectorAll(".mud-chart-legend-item").ToDictionary(
            item => item.TextContent.Trim(),
            item => item.QuerySelector(".mud-chart-legend-marker")!.GetAttribute("style")!.Replace(" ", "", StringComparison.Ordinal)
                .Split(';').Single(s => s.StartsWith(Background, StringComparison.Ordinal))[Background.Length..]);
}
