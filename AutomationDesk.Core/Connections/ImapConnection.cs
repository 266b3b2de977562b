using AutomationDesk.Core.Steps;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// A mailbox the desk reads (an email trigger polls it). Its test signs in and opens INBOX read-only, so it changes
/// nothing (no message is marked seen).
/// </summary>
public sealed class ImapConnection(IOptions<HttpStepOptions> limits) : ConnectionType
{
    public const string TypeName = "imap";

    public override string Name => TypeName;

    public override string Label => "IMAP (read email)";

    public override string Description => "A mailbox the desk reads, for example to start a run for each new message.";

    public override string? DocsUrl => "https://www.rfc-editor.org/rfc/rfc9051";

    public override string TestDescription => "Connects, signs in, opens INBOX read-only and counts its messages.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        MailServer.HostField with { Placeholder = "imap.example.com" },
        MailServer.PortField("143 for starttls and none, 993 for tls"),
        MailServer.SecurityField,
        new(MailServer.UserName, "User name") { Required = true },
        MailServer.PasswordField(required: true),
        MailServer.AcceptInvalidCertificatesField,
    ];

    /// <summary>The port for a security mode when the connection names none (RFC 8314: 993 for TLS, else 143).</summary>
    public static int DefaultPort(string security) => security == MailServer.Tls ? 993 : 143;

    public override IEnumerable<(string Field, string Message)> Validate(ConnectionSettings settings) =>
        base.Validate(settings).Concat(MailServer.ValidatePort(settings));

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        using var client = new ImapClient();
        try
        {
            var how = await MailServer.ConnectAsync(client, settings, DefaultPort, limits.Value, ct);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly, ct);
            var count = client.Inbox.Count;
            await MailServer.DisconnectQuietlyAsync(client, ct);
            return ConnectionTestResult.Passed($"Connected to {how}; INBOX has {count} {(count == 1 ? "message" : "messages")}.");
        }
        catch (Exception e) when (MailServer.Failure(e, settings.Text(MailServer.Host) ?? settings.Name, settings) is { } failure)
        {
            return ConnectionTestResult.Failed(failure.Message);
        }
    }
}
