using System.Globalization;
using AutomationDesk.Core.Workflows;
using Cronos;

namespace AutomationDesk.Core.Triggers;

/// <summary>One fire time of a schedule, and whether its local day has a daylight-saving change.</summary>
public sealed record ScheduledFire(DateTimeOffset At, bool OnDaylightSavingChange);

/// <summary>
/// When a schedule trigger fires: a 5- or 6-field cron read in an IANA time zone (Cronos: a 02:30 job on a
/// spring-forward day runs once at the next valid time, a 01:30 job on a fall-back day runs once), or a fixed
/// interval counted in absolute time from the Unix epoch, so daylight saving never moves it.
/// </summary>
public sealed class ScheduleCalendar
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan? _every;

    private ScheduleCalendar(string? cron, CronExpression? expression, TimeSpan? every, TimeZoneInfo zone)
    {
        Cron = cron;
        _cron = expression;
        _every = every;
        Zone = zone;
    }

    public string? Cron { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>Reads a schedule, or says which field is wrong and why.</summary>
    public static ScheduleCalendar Create(ScheduleTrigger schedule) =>
        TryCreate(schedule, out var calendar, out var field, out var error)
            ? calendar
            : throw new ArgumentException($"{field}: {error}", nameof(schedule));

    public static bool TryCreate(ScheduleTrigger schedule, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScheduleCalendar? calendar,
        out string field, out string error)
    {
        calendar = null;
        field = "";
        error = "";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(schedule.Timezone, out var zone))
        {
            (field, error) = ("timezone", $"Unknown time zone '{schedule.Timezone}': use an IANA name such as Europe/Berlin.");
            return false;
        }
        if (schedule.Every is { } every)
        {
            if (every < TimeSpan.FromSeconds(1))
            {
                (field, error) = ("every", "At least one second.");
                return false;
            }
            calendar = new ScheduleCalendar(null, null, every, zone);
            return true;
        }
        if (string.IsNullOrWhiteSpace(schedule.Cron))
        {
            (field, error) = ("cron", "Give either 'cron' or 'every'.");
            return false;
        }
        var fields = schedule.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            (field, error) = ("cron", $"'{schedule.Cron}' has {fields.Length} fields: a cron has 5 (minute hour day month weekday) or 6 (with seconds first).");
            return false;
        }
        try
        {
            var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            calendar = new ScheduleCalendar(string.Join(' ', fields), CronExpression.Parse(string.Join(' ', fields), format), null, zone);
            return true;
        }
        catch (CronFormatException e)
        {
            (field, error) = ("cron", $"'{schedule.Cron}' is not a valid cron: {e.Message}");
            return false;
        }
    }

    /// <summary>The first fire strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (_every is { } every)
        {
            var elapsed = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            var next = (elapsed / every.Ticks + 1) * every.Ticks;
            return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + next, TimeSpan.Zero);
        }
        return _cron!.GetNextOccurrence(after, Zone);
    }

    /// <summary>The next <paramref name="count"/> fires after a moment, each marked when its day changes clocks.</summary>
    public IReadOnlyList<ScheduledFire> Next(DateTimeOffset after, int count)
    {
        var fires = new List<ScheduledFire>(count);
        var cursor = after;
        while (fires.Count < count && NextAfter(cursor) is { } next)
        {
            fires.Add(new ScheduledFire(TimeZoneInfo.ConvertTime(next, Zone), ChangesClocks(next)));
            cursor = next;
        }
        return fires;
    }

    /// <summary>Fires due in (<paramref name="fromExclusive"/>, <paramref name="toInclusive"/>], at most <paramref name="max"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Between(DateTimeOffset fromExclusive, DateTimeOffset toInclusive, int max)
    {
        var fires = new List<DateTimeOffset>();
        var cursor = fromExclusive;
        while (fires.Count < max && NextAfter(cursor) is { } next && next <= toInclusive)
        {
            fires.Add(next);
            cursor = next;
        }
        return fires;
    }

    private bool ChangesClocks(DateTimeOffset at)
    {
        var day = TimeZoneInfo.ConvertTime(at, Zone).Date;
        return Zone.GetUtcOffset(day) != Zone.GetUtcOffset(day.AddDays(1).AddTicks(-1));
    }

    /// <summary>The schedule as a person says it, e.g. "At 09:00 on Monday–Friday (Europe/Berlin)".</summary>
    public string Describe() => _every is { } every
        ? $"Every {DescribeSpan(every)}"
        : $"{CronWords.Describe(Cron!)} ({Zone.Id})";

    private static string DescribeSpan(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } when span.Ticks % TimeSpan.TicksPerDay == 0 => Plural((int)span.TotalDays, "day"),
        { TotalHours: >= 1 } when span.Ticks % TimeSpan.TicksPerHour == 0 => Plural((int)span.TotalHours, "hour"),
        { TotalMinutes: >= 1 } when span.Ticks % TimeSpan.TicksPerMinute == 0 => Plural((int)span.TotalMinutes, "minute"),
        _ => Plural((int)span.TotalSeconds, "second"),
    };

    internal static string Plural(int n, string unit) => n == 1 ? unit : string.Create(CultureInfo.InvariantCulture, $"{n} {unit}s");
}
