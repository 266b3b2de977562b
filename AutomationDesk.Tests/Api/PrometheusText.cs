using System.Globalization;
using System.Text;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The Prometheus text exposition format, read the way a scraper reads it: <c># TYPE name type</c> lines and samples
/// <c>name{label="value",…} value</c>. Anything else that is not a comment fails the parse, so a malformed answer
/// fails the test that reads it.
/// </summary>
public sealed class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);
    public List<Sample> Samples { get; } = [];
    private string _text = "";

    /// <summary>The lines that mention <paramref name="name"/>, for a failure message.</summary>
    public IEnumerable<string> Lines(string name) => _text.Split('\n').Where(l => l.Contains(name, StringComparison.Ordinal));

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText { _text = text };
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 4 && parts[1] == "TYPE")
                {
                    parsed.Types[parts[2]] = parts[3];
                }
                continue;
            }
            parsed.Samples.Add(ParseSample(line));
        }
        return parsed;
    }

    /// <summary>
    /// The value of the one sample with this name and exactly these labels (besides the exporter's <c>otel_scope_*</c>),
    /// or 0 when there is none yet.
    /// </summary>
    public double ValueOf(string name, params (string Key, string Value)[] labels)
    {
        var found = Samples.Where(s => s.Name == name && s.Labels.Keys.Count(k => !k.StartsWith("otel_scope_", StringComparison.Ordinal)) == labels.Length
            && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return found.Count switch
        {
            0 => 0,
            1 => found[0].Value,
            _ => throw new InvalidOperationException($"{found.Count} samples of {name} have the same labels"),
        };
    }

    /// <summary>The sum of the samples with this name whose labels include these.</summary>
    public double SumOf(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }
        var name = line[..i];
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            throw new FormatException($"No metric name at the start of '{line}'");
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                if (line[eq + 1] != '"')
                {
                    throw new FormatException($"Label {key} has no quoted value in '{line}'");
                }
                var value = new StringBuilder();
                i = eq + 2;
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', var c => c });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }
                labels[key] = value.ToString();
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }
            i++;
        }
        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"No space before the value in '{line}'");
        }
        var fields = line[(i + 1)..].Split(' ');
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
