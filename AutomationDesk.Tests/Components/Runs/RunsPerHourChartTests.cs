using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components.Pages.Dashboard;
using AutomationDesk.Web.Components.Shared;
using Bunit;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class RunsPerHourChartTests : DeskPageTest
{
    [Fact]
    public void Each_status_is_painted_in_its_chip_colour_and_failed_is_red()
    {
        var hour = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var hours = Enumerable.Range(0, 24).Select(i => new HourlyRuns(hour.AddHours(i), i == 5
            ? new Dictionary<ExecutionStatus, int> { [ExecutionStatus.Succeeded] = 3, [ExecutionStatus.Running] = 1, [ExecutionStatus.Failed] = 2 }
            : new Dictionary<ExecutionStatus, int>())).ToList();

        var cut = Render<RunsPerHourChart>(p => p.Add(c => c.Hours, hours));
        var colours = ChartColours.Of(cut.Find("[data-testid=runs-per-hour]"));

        Assert.Equal(new MudTheme().PaletteLight.Error.ToString(MudBlazor.Utilities.MudColorOutputFormats.Hex), colours["Failed"]);
        Assert.Equal(RunStatusColors.CssOf(RunStatusChip.ColorOf(ExecutionStatus.Failed)), colours["Failed"]);
        Assert.Equal(RunStatusColors.CssOf(RunStatusChip.ColorOf(ExecutionStatus.Succeeded)), colours["Succeeded"]);
        Assert.Equal(RunStatusColors.CssOf(RunStatusChip.ColorOf(ExecutionStatus.Running)), colours["Running"]);
    }
}
