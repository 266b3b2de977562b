using System.Buffers;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// The one check every header and URL an outgoing request takes from a template goes through. Headers are added
/// without .NET's parsing (so any value a receiver expects can be sent), which means nothing else stops a line break:
/// a value holding CR or LF would end the header and let the rest of the value write a header, or a whole second
/// request, of its own choosing. NUL is refused as well, since receivers cut lines at it in different places.
/// </summary>
public static class OutgoingHeaders
{
    private static readonly SearchValues<char> LineBreaksAndNul = SearchValues.Create("\r\n\0");

    /// <summary>The characters of an HTTP token (RFC 9110 §5.6.2), which a header name must consist of.</summary>
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Why a header may not be sent, or null when it may.</summary>
    public static string? Refusal(string name, string? value)
    {
        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenCharacters))
        {
            return $"'{Printable(name)}' is not a valid header name: use letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ only.";
        }
        if (value is not null && value.AsSpan().ContainsAny(LineBreaksAndNul))
        {
            return $"Header '{name}' holds a line break or NUL; refused so it cannot forge a second request.";
        }
        return null;
    }

    /// <summary>Why a URL may not be requested, or null when it may.</summary>
    public static string? UrlRefusal(string url) =>
        url.AsSpan().ContainsAny(LineBreaksAndNul) ? "The URL holds a line break or NUL; refused so it cannot forge a second request." : null;

    /// <summary>Adds a header as given, to the request or, for a content header, to its content.</summary>
    /// <exception cref="StepFailedException">The name is not a token, or the value holds a line break or NUL.</exception>
    public static void Add(HttpRequestMessage request, string name, string value)
    {
        if (Refusal(name, value) is { } refusal)
        {
            throw new StepFailedException(refusal);
        }
        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            request.Content?.Headers.Remove(name);
            request.Content?.Headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>A name as an error message may show it: control characters written as escapes.</summary>
    private static string Printable(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
