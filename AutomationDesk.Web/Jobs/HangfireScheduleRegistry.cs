using System.Globalization;
using AutomationDesk.Core.Triggers;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// Registers each active schedule as the Hangfire recurring job <c>workflow:{id}</c>, removes it otherwise.
/// A cron goes to Hangfire as it is, with the schedule's time zone (Hangfire reads 6-field crons with seconds and
/// uses Cronos, as <see cref="ScheduleCalendar"/> does). An <c>every</c> interval counts from the Unix epoch, which
/// a cron can only say when the interval divides the next larger unit (every 15 s, 20 min, 6 h, a day): those become
/// a UTC cron that hits exactly the same instants. Any other interval (every 7 minutes) becomes a tick at the
/// interval's unit (every minute): the fire job asks the calendar and fires only when a due time has passed, so the
/// tick decides nothing and a tick between fires does nothing.
/// </summary>
public sealed class HangfireScheduleRegistry(DatabaseScheduleRegistry database, IRecurringJobManager jobs) : IScheduleRegistry
{
    public const string WatchJobId = "schedules:watch";

    public static string JobId(Guid workflowId) => $"workflow:{workflowId}";

    public Task SyncAsync(Guid workflowId, CancellationToken ct) => RegisterAsync(workflowId, startAfresh: true, ct);

    /// <summary>At start-up: registers every schedule workflow as it is stored (keeping where each got to), and the minute-by-minute watch.</summary>
    public async Task SyncAllAsync(IEnumerable<Guid> workflowIds, CancellationToken ct)
    {
        foreach (var id in workflowIds)
        {
            await RegisterAsync(id, startAfresh: false, ct);
        }
        jobs.AddOrUpdate<ScheduleWatchJob>(WatchJobId, job => job.ExecuteAsync(CancellationToken.None), Cron.Minutely());
    }

    private async Task RegisterAsync(Guid workflowId, bool startAfresh, CancellationToken ct)
    {
        if (await database.ArmAsync(workflowId, startAfresh, ct) is { } schedule)
        {
            var (cron, zone) = HangfireCron(schedule);
            jobs.AddOrUpdate<ScheduleFireJob>(JobId(workflowId), job => job.ExecuteAsync(workflowId, CancellationToken.None), cron,
                new RecurringJobOptions { TimeZone = zone });
        }
        else
        {
            jobs.RemoveIfExists(JobId(workflowId));
        }
    }

    private static (string Cron, TimeZoneInfo Zone) HangfireCron(ScheduledWorkflow schedule)
    {
        if (schedule.Trigger.Cron is { Length: > 0 } cron)
        {
            return (cron, schedule.Calendar.Zone);
        }
        var every = schedule.Trigger.Every!.Value;
        return (IntervalCron(every), TimeZoneInfo.Utc);
    }

    public static string IntervalCron(TimeSpan every)
    {
        static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
        if (every.Ticks % TimeSpan.TicksPerDay == 0)
        {
            return "0 0 0 * * *"; // Whole days from the epoch all fall on a UTC midnight.
        }
        if (every.Ticks % TimeSpan.TicksPerHour == 0)
        {
            var hours = every.Ticks / TimeSpan.TicksPerHour;
            return 24 % hours == 0 ? $"0 0 */{N(hours)} * * *" : "0 0 * * * *";
        }
        if (every.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            var minutes = every.Ticks / TimeSpan.TicksPerMinute;
            return 60 % minutes == 0 ? $"0 */{N(minutes)} * * * *" : "0 * * * * *";
        }
        if (every.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            var seconds = every.Ticks / TimeSpan.TicksPerSecond;
            return 60 % seconds == 0 ? $"*/{N(seconds)} * * * * *" : "* * * * * *";
        }
        return "* * * * * *"; // Fractions of a second: the next whole-second tick fires, less than a second late.
    }
}
