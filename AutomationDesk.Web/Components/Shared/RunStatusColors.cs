using AutomationDesk.Core.Execution;
using MudBlazor;
using MudBlazor.Utilities;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>
/// The one place a run status gets its colour: the status chips, the progress bar and every chart read it here, so a
/// failed run is red wherever it is drawn.
/// </summary>
public static class RunStatusColors
{
    private static readonly Palette Palette = new MudTheme().PaletteLight;

    public static Color ColorOf(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Succeeded => Color.Success,
        ExecutionStatus.Failed or ExecutionStatus.TimedOut or ExecutionStatus.Missed => Color.Error,
        ExecutionStatus.Running => Color.Info,
        ExecutionStatus.Waiting or ExecutionStatus.Retrying or ExecutionStatus.Paused => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>A step's colour: the timeline's chips and the graph's nodes read it here.</summary>
    public static Color ColorOf(StepStatus status) => status switch
    {
        StepStatus.Succeeded => Color.Success,
        StepStatus.Failed => Color.Error,
        StepStatus.Running => Color.Info,
        StepStatus.Waiting or StepStatus.Retrying => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>The colour of <paramref name="status"/> as a chart paints it (charts take CSS colours, not theme names).</summary>
    public static string CssOf(ExecutionStatus status) => CssOf(ColorOf(status));

    /// <summary>The theme's colour for a chip colour, as a CSS hex colour.</summary>
    public static string CssOf(Color color) => (color switch
    {
        Color.Success => Palette.Success,
        Color.Error => Palette.Error,
        Color.Info => Palette.Info,
        Color.Warning => Palette.Warning,
        _ => Palette.GrayDefault,
    }).ToString(MudColorOutputFormats.Hex);
}
