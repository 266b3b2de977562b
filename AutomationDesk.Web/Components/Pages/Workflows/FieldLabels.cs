using System.Text.RegularExpressions;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The label each form field shows, by the path Core's errors use, so a problem reads in the form's words
/// ("To", not <c>config.to</c>). Template fields tell it their label when they render; any other field is named
/// from its property name ("maxAttempts" → "Max attempts").
/// </summary>
public sealed partial class FieldLabels
{
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);

    /// <summary>Notes the label a field shows, without a trailing remark such as "(optional)".</summary>
    public void Name(string path, string label)
    {
        var cut = label.IndexOf(" (", StringComparison.Ordinal);
        _labels[path] = cut > 0 ? label[..cut] : label;
    }

    /// <summary>The field's own label, else its property name in words.</summary>
    public string Of(string path)
    {
        if (_labels.TryGetValue(path, out var label))
        {
            return label;
        }
        var name = path[(Math.Max(path.LastIndexOf('.'), -1) + 1)..];
        name = Index().Replace(name, "");
        var words = Words().Replace(name, " $1").ToLowerInvariant();
        return words.Length == 0 ? path : char.ToUpperInvariant(words[0]) + words[1..];
    }

    [GeneratedRegex(@"\[\d+\]$")]
    private static partial Regex Index();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Words();
}
