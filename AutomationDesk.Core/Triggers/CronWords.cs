using System.Globalization;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// A cron expression in words for the schedule pages: the common shapes read naturally ("At 09:00 on
/// Monday–Friday", "Every 15 minutes"); anything else names its fields plainly rather than guess.
/// </summary>
public static class CronWords
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] Months = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Describe(string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var second = fields.Length == 6 ? fields[0] : "0";
        var rest = fields.Length == 6 ? fields[1..] : fields;
        var (minute, hour, day, month, weekday) = (rest[0], rest[1], rest[2], rest[3], rest[4]);
        return $"{TimeOfDay(second, minute, hour)}{DayPart(day, weekday)}{Month(month)}";
    }

    private static string TimeOfDay(string second, string minute, string hour)
    {
        if (IsNumber(second) && IsNumber(minute) && IsNumber(hour))
        {
            return $"At {Clock(hour, minute, second)}";
        }
        if (IsNumber(second) && IsNumber(minute) && IsList(hour))
        {
            return "At " + string.Join(" and ", hour.Split(',').Select(h => Clock(h, minute, second)));
        }
        if (second == "*" && minute == "*" && hour == "*")
        {
            return "Every second";
        }
        if (Step(second) is { } seconds && minute == "*" && hour == "*")
        {
            return $"Every {ScheduleCalendar.Plural(seconds, "second")}";
        }
        var atSecond = second == "0" ? "" : $"second {second} of ";
        if (minute == "*" && hour == "*")
        {
            return second == "0" ? "Every minute" : $"At {atSecond}every minute";
        }
        if (Step(minute) is { } minutes && hour == "*")
        {
            return $"{(second == "0" ? "" : $"At {atSecond}")}{(second == "0" ? "Every" : "every")} {ScheduleCalendar.Plural(minutes, "minute")}";
        }
        if (IsNumber(minute) && hour == "*")
        {
            return $"At {atSecond}minute {minute} of every hour";
        }
        if (IsNumber(minute) && Step(hour) is { } hours)
        {
            return $"At {atSecond}minute {minute} of every {ScheduleCalendar.Plural(hours, "hour")}";
        }
        return $"At second {second}, minute {minute}, hour {hour}";
    }

    private static string DayPart(string day, string weekday)
    {
        if (day == "*" && weekday == "*")
        {
            return " every day";
        }
        var onWeekdays = weekday == "*" ? null : WeekdayWords(weekday);
        var onDays = day == "*" ? null : $"day {day.Replace(",", ", ", StringComparison.Ordinal)} of the month";
        return (onDays, onWeekdays) switch
        {
            (null, { } w) => $" on {w}",
            ({ } d, null) => $" on {d}",
            _ => $" on {onDays} or on {onWeekdays}",
        };
    }

    private static string WeekdayWords(string weekday) => string.Join(", ", weekday.Split(',').Select(part =>
    {
        var range = part.Split('-');
        return range.Length == 2 && DayName(range[0]) is { } from && DayName(range[1]) is { } to
            ? $"{from}–{to}"
            : DayName(part) ?? $"weekday {part}";
    }));

    private static string? DayName(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 7 ? Days[n]
        : Array.FindIndex(Days, d => d.StartsWith(value, StringComparison.OrdinalIgnoreCase) && value.Length == 3) is var i and >= 0 ? Days[i]
        : null;

    private static string Month(string month) =>
        month == "*" ? ""
        : int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 12 ? $" in {Months[n]}"
        : $" in month {month}";

    private static string Clock(string hour, string minute, string second) =>
        string.Create(CultureInfo.InvariantCulture, $"{int.Parse(hour, CultureInfo.InvariantCulture):00}:{int.Parse(minute, CultureInfo.InvariantCulture):00}")
        + (second == "0" ? "" : string.Create(CultureInfo.InvariantCulture, $":{int.Parse(second, CultureInfo.InvariantCulture):00}"));

    private static bool IsNumber(string field) => field.All(char.IsAsciiDigit) && field.Length > 0;

    private static bool IsList(string field) => field.Contains(',', StringComparison.Ordinal) && field.Split(',').All(IsNumber);

    private static int? Step(string field) =>
        field.StartsWith("*/", StringComparison.Ordinal) && int.TryParse(field.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
