using System.ComponentModel.DataAnnotations;
using Cronos;

namespace AutomationDesk.Core.Maintenance;

/// <summary>When the daily prune runs and how much it deletes per write. Bound from the <c>Retention</c> section.</summary>
public sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Retention";

    /// <summary>The prune job's schedule, a 5-field cron in UTC: daily at 03:00 by default.</summary>
    public string Cron { get; set; } = "0 3 * * *";

    /// <summary>
    /// Runs deleted per transaction at first. Each transaction holds the database's one write turn, so runs wait for it:
    /// each batch is sized from the last one's rate to take about <see cref="MaxWriteHoldMs"/>.
    /// </summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long one prune transaction may hold the write turn before the next batch is made smaller.</summary>
    [Range(1, 10_000)]
    public int MaxWriteHoldMs { get; set; } = 25;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!CronExpression.TryParse(Cron, CronFormat.Standard, out _))
        {
            yield return new ValidationResult($"Retention:Cron '{Cron}' is not a 5-field cron (minute hour day month weekday), e.g. '0 3 * * *'.", [nameof(Cron)]);
        }
    }
}
