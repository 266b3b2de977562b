using System.Globalization;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>A number from <c>min</c> to <c>max</c>, checked when the workflow is saved (and again by the step once templates are resolved).</summary>
public sealed class NumberRangeAttribute(double min, double max) : ConfigRuleAttribute
{
    public double Min { get; } = min;
    public double Max { get; } = max;

    public override string? Check(object value, DateTimeOffset now) =>
        Convert.ToDouble(value, CultureInfo.InvariantCulture) is var n && (n < Min || n > Max)
            ? $"Between {Min.ToString(CultureInfo.InvariantCulture)} and {Max.ToString(CultureInfo.InvariantCulture)}."
            : null;
}

/// <summary>One of a few words, checked when the workflow is saved.</summary>
public sealed class OneOfAttribute(params string[] choices) : ConfigRuleAttribute
{
    public IReadOnlyList<string> Choices { get; } = choices;

    public override string? Check(object value, DateTimeOffset now) =>
        value is string text && !Choices.Contains(text, StringComparer.Ordinal) ? $"Must be one of {string.Join(", ", Choices)}." : null;
}

/// <summary>A JSON Schema the desk can check answers against, checked when the workflow is saved.</summary>
public sealed class JsonSchemaRuleAttribute : ConfigRuleAttribute
{
    public override string? Check(object value, DateTimeOffset now) => value is JsonNode schema ? AiAnswerJson.SchemaProblem(schema) : null;
}
