using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Security;

/// <summary>Replaces every secret value with <c>***</c> in text and JSON before anything is written.</summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    private readonly string[] _values;

    public SecretMasker(IEnumerable<string> values) =>
        // Longest first, so a secret that contains another is masked whole. Very short values would mask noise.
        _values = values.Where(v => v.Length >= 3).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToArray();

    public static SecretMasker None { get; } = new([]);

    public string? Apply(string? text)
    {
        if (text is null || _values.Length == 0)
        {
            return text;
        }
        foreach (var value in _values)
        {
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    public JsonNode? Apply(JsonNode? node)
    {
        if (_values.Length == 0)
        {
            return node;
        }
        return node switch
        {
            null => null,
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Apply(p.Value)))),
            JsonArray array => new JsonArray(array.Select(Apply).ToArray()),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Apply(v.GetValue<string>())),
            _ => node.DeepClone(),
        };
    }
}
