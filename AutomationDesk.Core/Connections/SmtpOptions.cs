using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// The mail server from configuration (<c>Smtp:Host</c>, <c>Smtp:Port</c>, <c>Smtp:From</c>, <c>Smtp:UserName</c>,
/// <c>Smtp:Password</c>, <c>Smtp:UseTls</c>): what <c>email.send</c> uses when its step names no connection and the
/// desk's settings name no default. An operator's setting, so its host is trusted like <c>Http:AllowedHosts</c>.
/// </summary>
public sealed class SmtpOptions
{
    /// <summary>The name the desk gives this server in runs and errors.</summary>
    public const string ConnectionName = "Smtp configuration";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int? Port { get; set; }

    public string? From { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>True (the default): TLS from the start on port 465, STARTTLS required on any other port. False: no encryption.</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>Accept a certificate that does not validate (a relay on the LAN with a self-signed one).</summary>
    public bool AcceptInvalidCertificates { get; set; }

    /// <summary>These settings as an <c>smtp</c> connection, or null when no host is configured.</summary>
    public ConnectionSettings? AsConnection()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            return null;
        }
        var security = !UseTls ? MailServer.None : Port == 465 ? MailServer.Tls : MailServer.StartTls;
        var config = new JsonObject
        {
            [MailServer.Host] = Host,
            [MailServer.Port] = Port ?? SmtpConnection.DefaultPort(security),
            [MailServer.Security] = security,
            [SmtpConnection.From] = From,
            [MailServer.UserName] = UserName,
            [MailServer.AcceptInvalidCertificates] = AcceptInvalidCertificates,
            [ConnectionSettings.AllowPrivateNetworkField] = true,
        };
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(Password))
        {
            secrets[MailServer.Password] = Password;
        }
        return new ConnectionSettings(ConnectionName, SmtpConnection.TypeName, config, secrets);
    }
}
