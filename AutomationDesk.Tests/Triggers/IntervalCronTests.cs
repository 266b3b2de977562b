using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Jobs;
using Cronos;

namespace AutomationDesk.Tests.Triggers;

/// <summary>How an <c>every</c> interval becomes a Hangfire cron: the cron fires at every due time of the calendar.</summary>
public sealed class IntervalCronTests
{
    private static readonly DateTimeOffset From = new(2026, 3, 28, 22, 13, 7, TimeSpan.Zero);

    [Theory]
    [InlineData("00:00:15", "*/15 * * * * *")]
    [InlineData("00:20:00", "0 */20 * * * *")]
    [InlineData("06:00:00", "0 0 */6 * * *")]
    [InlineData("1.00:00:00", "0 0 0 * * *")]
    public void An_interval_that_divides_its_unit_becomes_a_cron_on_the_same_instants(string every, string expected)
    {
        var interval = TimeSpan.Parse(every, System.Globalization.CultureInfo.InvariantCulture);

        var cron = HangfireScheduleRegistry.IntervalCron(interval);

        Assert.Equal(expected, cron);
        var calendar = ScheduleCalendar.Create(new ScheduleTrigger { Every = interval, Timezone = "Europe/Berlin" });
        var expression = CronExpression.Parse(cron, CronFormat.IncludeSeconds);
        Assert.Equal(calendar.Next(From, 20).Select(f => f.At.UtcDateTime),
            expression.GetOccurrences(From.UtcDateTime, DateTime.MaxValue, fromInclusive: false).Take(20));
    }

    [Theory]
    [InlineData("00:00:07", "* * * * * *")]
    [InlineData("00:07:00", "0 * * * * *")]
    [InlineData("05:00:00", "0 0 * * * *")]
    [InlineData("3.00:00:00", "0 0 0 * * *")]
    public void Any_other_interval_ticks_at_its_unit_so_every_due_time_falls_on_a_tick(string every, string expected)
    {
        var interval = TimeSpan.Parse(every, System.Globalization.CultureInfo.InvariantCulture);

        var cron = HangfireScheduleRegistry.IntervalCron(interval);

        Assert.Equal(expected, cron);
        var calendar = ScheduleCalendar.Create(new ScheduleTrigger { Every = interval });
        var ticks = CronExpression.Parse(cron, CronFormat.IncludeSeconds);
        Assert.All(calendar.Next(From, 20), fire => Assert.Equal(fire.At.UtcDateTime, ticks.GetNextOccurrence(fire.At.UtcDateTime.AddTicks(-1))));
    }
}
