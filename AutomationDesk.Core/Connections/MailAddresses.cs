using System.Diagnostics.CodeAnalysis;
using System.Text;
using MimeKit;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// Email addresses as people type them: <c>a@example.com</c> or <c>Ann Lee &lt;a@example.com&gt;</c>, several in one
/// text separated by commas (a comma inside a quoted name or angle brackets does not split).
/// </summary>
public static class MailAddresses
{
    // A mailbox needs a domain here: "bob" alone would be handed to the server and refused, or worse, delivered locally.
    private static readonly ParserOptions Options = new() { AllowAddressesWithoutDomain = false };

    public static bool TryParse(string text, [NotNullWhen(true)] out MailboxAddress? mailbox) =>
        MailboxAddress.TryParse(Options, text.Trim(), out mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal);

    /// <summary>The addresses in a comma-separated text, trimmed, empty ones left out.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var angle = 0;
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    quoted = !quoted;
                    break;
                case '<' when !quoted:
                    angle++;
                    break;
                case '>' when !quoted && angle > 0:
                    angle--;
                    break;
                case ',' or ';' when !quoted && angle == 0:
                    Add(parts, current);
                    continue;
            }
            current.Append(c);
        }
        Add(parts, current);
        return parts;
    }

    private static void Add(List<string> parts, StringBuilder current)
    {
        var part = current.ToString().Trim();
        if (part.Length > 0)
        {
            parts.Add(part);
        }
        current.Clear();
    }
}
