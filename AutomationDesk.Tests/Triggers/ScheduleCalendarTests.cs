using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Tests.Triggers;

public sealed class ScheduleCalendarTests
{
    private static ScheduleCalendar Calendar(string cron, string zone = "UTC") =>
        ScheduleCalendar.Create(new ScheduleTrigger { Cron = cron, Timezone = zone });

    private static DateTimeOffset Local(string zone, int year, int month, int day, int hour, int minute = 0)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, tz.GetUtcOffset(local));
    }

    [Fact]
    public void A_0230_job_on_a_spring_forward_day_runs_once()
    {
        // New York skips 02:00–03:00 on 8 March 2026.
        var calendar = Calendar("30 2 * * *", "America/New_York");
        var fires = calendar.Between(Local("America/New_York", 2026, 3, 7, 12), Local("America/New_York", 2026, 3, 9, 12), 10);

        var localDays = fires.Select(f => TimeZoneInfo.ConvertTime(f, calendar.Zone).Date).ToList();
        Assert.Equal([new DateTime(2026, 3, 8), new DateTime(2026, 3, 9)], localDays);
    }

    [Fact]
    public void A_0130_job_on_a_fall_back_day_runs_once()
    {
        // New York repeats 01:00–02:00 on 1 November 2026.
        var calendar = Calendar("30 1 * * *", "America/New_York");
        var fires = calendar.Between(Local("America/New_York", 2026, 10, 31, 12), Local("America/New_York", 2026, 11, 2, 12), 10);

        Assert.Equal(2, fires.Count);
        Assert.Single(fires, f => TimeZoneInfo.ConvertTime(f, calendar.Zone).Date == new DateTime(2026, 11, 1));
    }

    [Fact]
    public void A_weekday_cron_is_read_in_its_time_zone()
    {
        var calendar = Calendar("0 9 * * 1-5", "Europe/Berlin");
        var friday = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), calendar.NextAfter(friday));
    }

    [Fact]
    public void A_six_field_cron_counts_seconds()
    {
        var calendar = Calendar("*/10 * * * * *");
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 1, TimeSpan.Zero);

        Assert.Equal(at.AddSeconds(9), calendar.NextAfter(at));
    }

    [Fact]
    public void An_interval_counts_absolute_time_so_daylight_saving_does_not_move_it()
    {
        var calendar = ScheduleCalendar.Create(new ScheduleTrigger { Every = TimeSpan.FromMinutes(30), Timezone = "Europe/Berlin" });
        var beforeChange = new DateTimeOffset(2026, 3, 29, 0, 50, 0, TimeSpan.Zero);

        var fires = calendar.Next(beforeChange, 3).Select(f => f.At.ToUniversalTime()).ToList();

        Assert.Equal([beforeChange.AddMinutes(10), beforeChange.AddMinutes(40), beforeChange.AddMinutes(70)], fires);
    }

    [Fact]
    public void Next_fires_mark_the_day_the_clocks_change()
    {
        var calendar = Calendar("0 12 * * *", "Europe/Berlin");
        var fires = calendar.Next(new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero), 4);

        Assert.Equal([false, false, true, false], fires.Select(f => f.OnDaylightSavingChange));
        Assert.Equal(new DateTime(2026, 3, 29), fires[2].At.Date);
    }

    [Theory]
    [InlineData("0 9 * * 1-5", "Europe/Berlin", "At 09:00 on Monday–Friday (Europe/Berlin)")]
    [InlineData("*/15 * * * *", "UTC", "Every 15 minutes every day (UTC)")]
    [InlineData("30 2 1 * *", "UTC", "At 02:30 on day 1 of the month (UTC)")]
    [InlineData("0 0 8,17 * * SAT", "UTC", "At 08:00 and 17:00 on Saturday (UTC)")]
    [InlineData("5 * * 12 *", "UTC", "At minute 5 of every hour every day in December (UTC)")]
    public void A_cron_reads_in_words(string cron, string zone, string words) =>
        Assert.Equal(words, Calendar(cron, zone).Describe());

    [Fact]
    public void An_interval_reads_in_words() =>
        Assert.Equal("Every 30 minutes", ScheduleCalendar.Create(new ScheduleTrigger { Every = TimeSpan.FromMinutes(30) }).Describe());

    [Theory]
    [InlineData("0 9 * *", "UTC", "cron", "4 fields")]
    [InlineData("61 9 * * *", "UTC", "cron", "not a valid cron")]
    [InlineData("0 9 * * *", "Mars/Olympus", "timezone", "Unknown time zone 'Mars/Olympus'")]
    public void A_bad_schedule_names_the_field(string cron, string zone, string field, string message)
    {
        Assert.False(ScheduleCalendar.TryCreate(new ScheduleTrigger { Cron = cron, Timezone = zone }, out _, out var badField, out var error));
        Assert.Equal(field, badField);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}

public sealed class ScheduleValidationTests
{
    private readonly WorkflowDefinitionReader _reader = new(new global::AutomationDesk.Core.Steps.StepRegistry([new global::AutomationDesk.Core.Steps.TransformStep()]));

    [Fact]
    public void Saving_a_workflow_with_a_bad_cron_is_refused_at_the_cron_field()
    {
        var json = """
            { "schemaVersion": 1, "name": "Nightly",
              "trigger": { "type": "schedule", "schedule": { "cron": "0 25 * * *", "timezone": "UTC" } },
              "steps": [ { "id": "a", "type": "transform", "config": { "value": 1 } } ] }
            """;

        var refusal = Assert.Throws<WorkflowValidationException>(() => _reader.Read(json));

        Assert.Contains("not a valid cron", Assert.Single(refusal.Errors["trigger.schedule.cron"]), StringComparison.Ordinal);
    }
}
