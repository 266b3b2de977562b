using System.Text.RegularExpressions;

namespace AutomationDesk.Core.Execution.Templates;

/// <summary>A dotted path such as <c>steps.fetch.output.items[0].id</c>, split into segments.</summary>
public sealed partial record TemplatePath(string Text, IReadOnlyList<PathSegment> Segments)
{
    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_\-$]*$")]
    private static partial Regex NamePattern();

    public string Root => Segments[0].Name!;

    public static TemplatePath Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new TemplateException("A template is empty: write a path such as ${trigger.body.id}.", trimmed);
        }
        var segments = new List<PathSegment>();
        foreach (var part in trimmed.Split('.'))
        {
            var name = part;
            var indexes = new List<int>();
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                var rest = part[bracket..];
                while (rest.Length > 0)
                {
                    var close = rest.IndexOf(']', StringComparison.Ordinal);
                    if (!rest.StartsWith('[') || close < 0 || !int.TryParse(rest[1..close], out var index) || index < 0)
                    {
                        throw new TemplateException($"Template path '{trimmed}' has a bad index in '{part}'.", trimmed);
                    }
                    indexes.Add(index);
                    rest = rest[(close + 1)..];
                }
            }
            if (name.Length > 0)
            {
                if (!NamePattern().IsMatch(name))
                {
                    throw new TemplateException($"Template path '{trimmed}' has a bad segment '{part}'.", trimmed);
                }
                segments.Add(new PathSegment(name, null));
            }
            else if (segments.Count == 0)
            {
                throw new TemplateException($"Template path '{trimmed}' must start with a name.", trimmed);
            }
            segments.AddRange(indexes.Select(i => new PathSegment(null, i)));
        }
        return new TemplatePath(trimmed, segments);
    }
}

public sealed record PathSegment(string? Name, int? Index)
{
    public override string ToString() => Name ?? $"[{Index}]";
}
