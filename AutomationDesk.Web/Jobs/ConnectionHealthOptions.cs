using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Web.Jobs;

/// <summary>How often every connection is tested in the background. Bound from the <c>Connections</c> section.</summary>
public sealed class ConnectionHealthOptions : IValidatableObject
{
    public const string Section = "Connections";

    /// <summary>
    /// The time between two background tests of every connection: whole minutes that divide an hour (1, 5, 15, 30), or
    /// whole hours that divide a day (1, 2, 6, 12, 24), so the refresh keeps the same pace across the hour and the day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan HealthEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The Hangfire cron (UTC) that fires at every <see cref="HealthEvery"/>.</summary>
    public string Cron() => HealthEvery.TotalMinutes switch
    {
        < 60 => $"*/{(int)HealthEvery.TotalMinutes} * * * *",
        < 24 * 60 => $"0 */{(int)HealthEvery.TotalHours} * * *",
        _ => "0 0 * * *",
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var minutes = HealthEvery.TotalMinutes;
        var fits = minutes < 60
            ? minutes == Math.Floor(minutes) && 60 % (int)minutes == 0
            : HealthEvery.TotalHours == Math.Floor(HealthEvery.TotalHours) && 24 % (int)HealthEvery.TotalHours == 0;
        if (!fits)
        {
            yield return new ValidationResult(
                $"Connections:HealthEvery is {HealthEvery}: use whole minutes that divide an hour (00:05:00, 00:15:00) or whole hours that divide a day (01:00:00, 06:00:00).",
                [nameof(HealthEvery)]);
        }
    }
}
