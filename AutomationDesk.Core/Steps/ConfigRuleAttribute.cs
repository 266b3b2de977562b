using System.Text.RegularExpressions;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// A rule on one config property that the workflow reader checks when a workflow is saved, for a value given as it is
/// (a value that holds a template is checked by the step once the run has resolved it).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public abstract class ConfigRuleAttribute : Attribute
{
    /// <summary>What is wrong with the value, or null when it is fine.</summary>
    public abstract string? Check(object value, DateTimeOffset now);
}

/// <summary>A duration longer than zero and at most <c>maxSeconds</c>.</summary>
public sealed class DurationRangeAttribute(double maxSeconds) : ConfigRuleAttribute
{
    public TimeSpan Max { get; } = TimeSpan.FromSeconds(maxSeconds);

    public override string? Check(object value, DateTimeOffset now) => value is TimeSpan span ? DefinitionLimits.Check(span, Max) : null;
}

/// <summary>A moment no further than <c>years</c> from now.</summary>
public sealed class WithinYearsAttribute(int years) : ConfigRuleAttribute
{
    public int Years { get; } = years;

    public override string? Check(object value, DateTimeOffset now) =>
        value is DateTimeOffset at && at > now.AddYears(Years) ? $"At most {Years} years from now." : null;
}

/// <summary>A collection name: lower-case letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, starting with a letter or digit.</summary>
public sealed partial class CollectionNameAttribute : ConfigRuleAttribute
{
    public const int MaxLength = 100;

    public const string Rule = "A collection name is 1 to 100 characters: lower-case letters, digits, _, . and -, starting with a letter or digit.";

    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(name);

    public override string? Check(object value, DateTimeOffset now) => value is string name && !IsValid(name) ? Rule : null;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_.-]*\z")]
    private static partial Regex Pattern();
}
