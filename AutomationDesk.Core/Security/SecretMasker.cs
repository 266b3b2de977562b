using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Security;

/// <summary>
/// Replaces every secret value with <c>***</c> in text and JSON before anything is written, in every form a URL or an
/// encoding gives it: as it is; percent-escaped (as data, as a form field, as <see cref="Uri"/> escapes it, and any
/// other spelling: escapes in the text are decoded, twice for double encoding, and a match found there is masked
/// where it came from); as <see cref="Uri"/> normalises it in a path (<c>\</c> turned to <c>/</c>, <c>..</c>
/// segments removed, escapes of plain characters decoded); base64 (at any alignment, standard or URL-safe); and
/// escaped inside JSON text.
/// </summary>
/// <remarks>
/// Escapes have too many spellings to list (each character escaped or not, either case, escaped again), so the text is
/// decoded instead; the other forms are few per secret and are listed once, when the masker is made.
/// Secrets shorter than <see cref="SecretStore.MinLength"/> are still masked as they are and escaped, but their
/// derived fragments (base64, what is left after <c>..</c>) would be too short to tell from other text.
/// </remarks>
public sealed class SecretMasker
{
    public const string Mask = "***";

    /// <summary>How many times escapes are decoded (<c>%252553</c> is <c>S</c> escaped three times).</summary>
    private const int DecodeLevels = 3;

    /// <summary>Every form to look for in the text as written, longest first so a secret containing another is masked whole.</summary>
    private readonly string[] _forms;

    /// <summary>The unescaped forms, looked for in the text with its escapes decoded.</summary>
    private readonly string[] _plainForms;

    public SecretMasker(IEnumerable<string> values)
    {
        var secrets = values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        var plain = secrets.SelectMany(PlainForms).Distinct(StringComparer.Ordinal).ToArray();
        _plainForms = plain.OrderByDescending(v => v.Length).ToArray();
        _forms = plain.SelectMany(EncodedForms)
            .Concat(secrets.Where(v => v.Length >= SecretStore.MinLength).SelectMany(Base64Fragments))
            .Where(v => v.Length > 0)
            .Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToArray();
    }

    public static SecretMasker None { get; } = new([]);

    public string? Apply(string? text)
    {
        if (string.IsNullOrEmpty(text) || _forms.Length == 0)
        {
            return text;
        }
        foreach (var form in _forms)
        {
            text = text.Replace(form, Mask, StringComparison.Ordinal);
        }
        return PercentDecodedText.HasEscapes(text) ? MaskEscaped(text) : text;
    }

    public JsonNode? Apply(JsonNode? node)
    {
        if (_forms.Length == 0)
        {
            return node;
        }
        return node switch
        {
            null => null,
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Apply(p.Value)))),
            JsonArray array => new JsonArray(array.Select(Apply).ToArray()),
            JsonValue v when v.TryGetText(out var text) => ApplyToString(v, text),
            _ => node.DeepClone(),
        };
    }

    /// <summary>
    /// A value that writes as a JSON string: a string, or a <see cref="Guid"/>, a time or a char put into the node
    /// (<c>GetValue&lt;string&gt;</c> throws for those). It keeps its type unless masking changed its text.
    /// </summary>
    private JsonValue ApplyToString(JsonValue value, string text)
    {
        var masked = Apply(text)!;
        return masked == text ? (JsonValue)value.DeepClone() : JsonValue.Create(masked);
    }

    /// <summary>Masks each stretch of <paramref name="text"/> whose decoded escapes spell a secret.</summary>
    private string MaskEscaped(string text)
    {
        var spans = new List<(int Start, int End)>();
        var decoded = PercentDecodedText.Of(text);
        for (var level = 1; level <= DecodeLevels; level++)
        {
            foreach (var form in _plainForms)
            {
                for (var at = decoded.Text.IndexOf(form, StringComparison.Ordinal); at >= 0; at = decoded.Text.IndexOf(form, at + form.Length, StringComparison.Ordinal))
                {
                    spans.Add(decoded.OriginalSpan(at, form.Length));
                }
            }
            if (level == DecodeLevels || !PercentDecodedText.HasEscapes(decoded.Text))
            {
                break;
            }
            decoded = decoded.DecodeAgain();
        }
        if (spans.Count == 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        var written = 0;
        foreach (var (start, end) in spans.OrderBy(s => s.Start))
        {
            if (end <= written)
            {
                continue;
            }
            if (start >= written)
            {
                builder.Append(text, written, start - written).Append(Mask);
            }
            written = end;
        }
        return builder.Append(text, written, text.Length - written).ToString();
    }

    /// <summary>The secret as it is and as a URL path shows it after <see cref="Uri"/> has normalised it.</summary>
    private static IEnumerable<string> PlainForms(string value)
    {
        yield return value;
        var shortest = Math.Min(value.Length, SecretStore.MinLength);
        foreach (var form in new[] { value.Replace('\\', '/'), UnescapedOrNull(value), UriPathForm(value) }.Concat(AsAbsoluteUrl(value)))
        {
            if (form is not null && form.Length >= shortest)
            {
                yield return form;
                if (UnescapedOrNull(form) is { } unescaped && unescaped.Length >= shortest)
                {
                    yield return unescaped;
                }
            }
        }
    }

    private static IEnumerable<string> EncodedForms(string value)
    {
        yield return value;
        yield return Uri.EscapeDataString(value);
        yield return WebUtility.UrlEncode(value);
        yield return EscapedAsUri(value);
        foreach (var json in new[] { JsonEncodedText.Encode(value).ToString(), JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() })
        {
            yield return json;
            // Some writers escape '/' in JSON strings too.
            yield return json.Replace("/", "\\/", StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The characters of the secret's base64 at each of the three byte alignments it can have inside a longer value
    /// (<c>Basic base64(user:password)</c>), standard and URL-safe; only the characters that depend on the secret alone.
    /// </summary>
    private static IEnumerable<string> Base64Fragments(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var offset = 0; offset < 3; offset++)
        {
            var padded = new byte[offset + bytes.Length];
            bytes.CopyTo(padded, offset);
            var encoded = Convert.ToBase64String(padded);
            var fragment = encoded[((offset * 8 + 5) / 6)..(8 * (offset + bytes.Length) / 6)];
            yield return fragment;
            yield return fragment.Replace('+', '-').Replace('/', '_');
        }
    }

    private static string? UnescapedOrNull(string value) => value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : null;

    /// <summary>How the secret reads when placed in a URL path: <see cref="Uri"/> turns <c>\</c> to <c>/</c> and removes <c>.</c> and <c>..</c> segments.</summary>
    /// <summary>
    /// A secret that is itself a URL (a Slack, Teams or Discord webhook) as <see cref="Uri"/> writes it when the URL is
    /// logged: without a default port (<c>:443</c>), the host in lower case; and its path and query alone.
    /// </summary>
    private static IEnumerable<string?> AsAbsoluteUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield break;
        }
        yield return uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        yield return uri.AbsoluteUri;
        yield return uri.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped);
    }

    private static string? UriPathForm(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal) && !value.Contains('.', StringComparison.Ordinal) && !value.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }
        const string prefix = "http://mask.invalid/";
        return Uri.TryCreate(prefix + value, UriKind.Absolute, out var uri)
            ? uri.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped).TrimStart('/')
            : null;
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
}
