using AutomationDesk.Core.Steps;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// An outgoing mail server: <c>email.send</c> and email notifications send through it (see <see cref="SmtpMailer"/>).
/// Its test signs in and says NOOP; it sends no mail.
/// </summary>
public sealed class SmtpConnection(IOptions<HttpStepOptions> limits) : ConnectionType
{
    public const string TypeName = "smtp";

    /// <summary>The sender of mail that names none: <c>reports@example.com</c> or <c>Reports &lt;reports@example.com&gt;</c>.</summary>
    public const string From = "from";

    public override string Name => TypeName;

    public override string Label => "SMTP (send email)";

    public override string Description => "An outgoing mail server. email.send and email notifications send through it.";

    public override string? DocsUrl => "https://www.rfc-editor.org/rfc/rfc6409";

    public override string TestDescription => "Connects, signs in when a user name is set, sends NOOP and disconnects; no mail is sent.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        MailServer.HostField,
        MailServer.PortField("587 for starttls, 465 for tls, 25 for none"),
        MailServer.SecurityField,
        new(From, "From") { Required = true, Placeholder = "Reports <reports@example.com>", Help = "The sender when a step names none." },
        new(MailServer.UserName, "User name") { Help = "Left empty: the desk sends without signing in." },
        MailServer.PasswordField(required: false),
        MailServer.AcceptInvalidCertificatesField,
    ];

    /// <summary>The port for a security mode when the connection names none (RFC 8314: 465 for TLS, 587 for submission).</summary>
    public static int DefaultPort(string security) => security switch
    {
        MailServer.Tls => 465,
        MailServer.StartTls => 587,
        _ => 25,
    };

    public override IEnumerable<(string Field, string Message)> Validate(ConnectionSettings settings)
    {
        foreach (var problem in base.Validate(settings).Concat(MailServer.ValidatePort(settings)))
        {
            yield return problem;
        }
        if (settings.Text(MailServer.UserName) is not null && settings.Secret(MailServer.Password) is null)
        {
            yield return ($"secrets.{MailServer.Password}", "Required when a user name is set.");
        }
        if (settings.Text(From) is { } from && !MailAddresses.TryParse(from, out _))
        {
            yield return ($"config.{From}", $"'{from}' is not an email address.");
        }
    }

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        using var client = new SmtpClient();
        try
        {
            var how = await MailServer.ConnectAsync(client, settings, DefaultPort, limits.Value, ct);
            await client.NoOpAsync(ct);
            await MailServer.DisconnectQuietlyAsync(client, ct);
            return ConnectionTestResult.Passed($"Connected to {how}.");
        }
        catch (Exception e) when (MailServer.Failure(e, settings.Text(MailServer.Host) ?? settings.Name, settings) is { } failure)
        {
            return ConnectionTestResult.Failed(failure.Message);
        }
    }
}
