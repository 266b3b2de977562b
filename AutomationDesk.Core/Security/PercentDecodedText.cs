using System.Globalization;
using System.Text;

namespace AutomationDesk.Core.Security;

/// <summary>
/// A text with its percent-escapes decoded once (<c>%53ECRET</c> reads <c>SECRET</c>, <c>%2553</c> reads <c>%53</c>),
/// each decoded character remembering where in the original text it came from, so a match found in the decoded
/// copy can be masked in the original. Escapes that do not decode to UTF-8 stay as written.
/// </summary>
internal sealed class PercentDecodedText
{
    private readonly int[] _starts;
    private readonly int[] _ends;

    private PercentDecodedText(string text, int[] starts, int[] ends)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    public string Text { get; }

    /// <summary>Whether the text holds anything that decodes: a <c>%</c> followed by two hex digits.</summary>
    public static bool HasEscapes(string text)
    {
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0 && i + 2 < text.Length; i = text.IndexOf('%', i + 1))
        {
            if (char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                return true;
            }
        }
        return false;
    }

    public static PercentDecodedText Of(string text)
    {
        var decoded = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (TryDecodeRune(text, i, out var rune, out var consumed))
            {
                foreach (var c in rune.ToString())
                {
                    decoded.Append(c);
                    starts.Add(i);
                    ends.Add(i + consumed);
                }
                i += consumed;
                continue;
            }
            decoded.Append(text[i]);
            starts.Add(i);
            ends.Add(i + 1);
            i++;
        }
        return new PercentDecodedText(decoded.ToString(), [.. starts], [.. ends]);
    }

    /// <summary>Decodes again, keeping the positions of the original text (for double encoding).</summary>
    public PercentDecodedText DecodeAgain()
    {
        var again = Of(Text);
        var starts = new int[again.Text.Length];
        var ends = new int[again.Text.Length];
        for (var i = 0; i < again.Text.Length; i++)
        {
            starts[i] = _starts[again._starts[i]];
            ends[i] = _ends[again._ends[i] - 1];
        }
        return new PercentDecodedText(again.Text, starts, ends);
    }

    /// <summary>The span of the original text that <paramref name="length"/> decoded characters at <paramref name="index"/> came from.</summary>
    public (int Start, int End) OriginalSpan(int index, int length) => (_starts[index], _ends[index + length - 1]);

    /// <summary>One UTF-8 character written as escapes (<c>%C3%BC</c>), read at <paramref name="at"/>.</summary>
    private static bool TryDecodeRune(string text, int at, out Rune rune, out int consumed)
    {
        rune = default;
        consumed = 0;
        Span<byte> bytes = stackalloc byte[4];
        if (!TryByte(text, at, out bytes[0]))
        {
            return false;
        }
        var length = bytes[0] switch
        {
            < 0x80 => 1,
            >= 0xC2 and < 0xE0 => 2,
            >= 0xE0 and < 0xF0 => 3,
            >= 0xF0 and < 0xF5 => 4,
            _ => 0,
        };
        if (length == 0)
        {
            return false;
        }
        for (var k = 1; k < length; k++)
        {
            if (!TryByte(text, at + 3 * k, out bytes[k]))
            {
                return false;
            }
        }
        if (Rune.DecodeFromUtf8(bytes[..length], out rune, out var used) != System.Buffers.OperationStatus.Done || used != length)
        {
            return false;
        }
        consumed = 3 * length;
        return true;
    }

    private static bool TryByte(string text, int at, out byte value)
    {
        value = 0;
        return at + 2 < text.Length && text[at] == '%'
            && byte.TryParse(text.AsSpan(at + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
