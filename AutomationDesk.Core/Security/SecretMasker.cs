using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Security;

/// <summary>
/// Replaces every secret value with <c>***</c> in text and JSON before anything is written: the value as it is and
/// the forms it takes inside a URL (percent-escaped as data, as a form field, or as <see cref="Uri"/> escapes it) or
/// inside JSON text (an answer that echoes a JSON body back as text).
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    private readonly string[] _values;

    public SecretMasker(IEnumerable<string> values) =>
        // Longest first, so a secret that contains another is masked whole. Very short values would mask noise.
        _values = values.Where(v => v.Length >= 3)
            .SelectMany(v => new[]
            {
                v, Uri.EscapeDataString(v), WebUtility.UrlEncode(v), EscapedAsUri(v),
                JsonEncodedText.Encode(v).ToString(), JsonEncodedText.Encode(v, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
            })
            .Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToArray();

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

    /// <summary>How <see cref="Uri"/> writes a value placed raw in a URL: only characters a URL may not hold are escaped.</summary>
    private static string EscapedAsUri(string value)
    {
        const string kept = ":/?#[]@!$&'()*+,;=-._~%";
        var builder = new StringBuilder(value.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || kept.Contains((char)rune.Value, StringComparison.Ordinal)))
            {
                builder.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..length])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
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
            JsonValue v when v.TryGetText(out var text) => JsonValue.Create(Apply(text)),
            _ => node.DeepClone(),
        };
    }
}
