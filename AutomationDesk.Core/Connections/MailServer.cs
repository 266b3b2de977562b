using System.Net.Sockets;
using AutomationDesk.Core.Steps;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// What the <c>smtp</c> and <c>imap</c> connections share: their TLS modes, how a MailKit client reaches the server
/// (through the network guard, on a socket the desk connects itself) and signs in, and what a failure means in a
/// person's words and for a retry.
/// </summary>
public static class MailServer
{
    public const string Host = "host";
    public const string Port = "port";
    public const string Security = "security";
    public const string UserName = "userName";
    public const string Password = "password";

    /// <summary>
    /// Lets a connection accept a certificate that does not validate (self-signed, wrong name, expired): an Admin's
    /// choice for a server on the LAN. Off by default.
    /// </summary>
    public const string AcceptInvalidCertificates = "acceptInvalidCertificates";

    /// <summary>No encryption: the password and the mail cross the network in clear.</summary>
    public const string None = "none";

    /// <summary>Plain connection upgraded with STARTTLS; refused when the server does not offer it.</summary>
    public const string StartTls = "starttls";

    /// <summary>TLS from the first byte (SMTPS on 465, IMAPS on 993).</summary>
    public const string Tls = "tls";

    public static readonly IReadOnlyList<string> SecurityModes = [None, StartTls, Tls];

    /// <summary>How long one command may wait for the server before the client gives up.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public static ConnectionField HostField => new(Host, "Host") { Required = true, Placeholder = "smtp.example.com" };

    public static ConnectionField SecurityField => new(Security, "Security", ConnectionFieldKind.Choice)
    {
        Default = StartTls,
        Choices = SecurityModes,
        Help = "starttls: upgrade a plain connection (ports 587, 143); tls: TLS from the start (465, 993); none: no encryption.",
    };

    public static ConnectionField PortField(string defaults) => new(Port, "Port", ConnectionFieldKind.Number) { Help = $"Left empty: {defaults}." };

    public static ConnectionField AcceptInvalidCertificatesField => new(AcceptInvalidCertificates, "Accept an invalid TLS certificate (self-signed)", ConnectionFieldKind.Flag)
    {
        Help = "Only for a server you run yourself: the desk then cannot tell that server from an impostor. Applies to starttls and tls.",
    };

    public static ConnectionField PasswordField(bool required) => new(Password, "Password", ConnectionFieldKind.Secret) { Required = required };

    /// <summary>The security mode in the settings; <see cref="StartTls"/> when none is set.</summary>
    public static string SecurityOf(ConnectionSettings settings) => settings.TextOr(Security, StartTls);

    /// <summary>A port out of range, naming its field; shared by both types.</summary>
    public static IEnumerable<(string Field, string Message)> ValidatePort(ConnectionSettings settings)
    {
        if (settings.Int(Port) is { } port && port is < 1 or > 65535)
        {
            yield return ($"config.{Port}", $"{port} is not a port (1 to 65535).");
        }
    }

    /// <summary>
    /// Connects <paramref name="client"/> to the server of <paramref name="settings"/> and signs in when a user name is set.
    /// Returns how it connected in a person's words ("mail.example.com:587 (STARTTLS), signed in as reports").
    /// </summary>
    /// <param name="defaultPort">The port for a security mode when the settings name none.</param>
    public static async Task<string> ConnectAsync(MailService client, ConnectionSettings settings, Func<string, int> defaultPort, HttpStepOptions limits, CancellationToken ct)
    {
        var host = settings.Text(Host) ?? throw new MailServerException($"The connection '{settings.Name}' names no host.");
        var security = SecurityOf(settings);
        var port = settings.Int(Port) ?? defaultPort(security);
        var scheme = client is ImapClient ? "imap" : "smtp";
        var target = $"{host}:{port}";
        client.Timeout = (int)CommandTimeout.TotalMilliseconds;
        if (settings.Flag(AcceptInvalidCertificates))
        {
            // Any certificate the server shows is accepted, but it must show one.
            client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        }
        try
        {
            var addresses = await NetworkGuard.AllowedAddressesAsync(host, port, scheme, limits, ct, trustedHost: settings.AllowPrivateNetwork);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, port, ct);
                // MailKit owns the socket from here and closes it on disconnect.
                await client.ConnectAsync(socket, host, port, SocketOptions(security), ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            var how = $"{target} ({Describe(security)})";
            if (settings.Text(UserName) is { } user)
            {
                await client.AuthenticateAsync(user, settings.Secret(Password) ?? "", ct);
                return $"{how}, signed in as {user}";
            }
            return how;
        }
        catch (Exception e) when (Failure(e, target, settings) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Ends the session politely; a server that drops the line at QUIT has still done its work.</summary>
    public static async Task DisconnectQuietlyAsync(MailService client, CancellationToken ct)
    {
        try
        {
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (e is IOException or ProtocolException or CommandException or SocketException)
        {
            // The work is done (the message accepted, the test passed): a broken goodbye changes nothing.
        }
    }

    /// <summary>
    /// What a failure talking to a mail server means: a sentence naming the server, and whether another attempt may
    /// succeed (SMTP 4xx, a dropped or refused connection, a timeout) or not (5xx, a refused password or certificate,
    /// an address the network guard refuses). Null for an exception that is not about the mail server.
    /// </summary>
    public static MailServerException? Failure(Exception e, string target, ConnectionSettings settings) => e switch
    {
        MailServerException known => known,
        SmtpCommandException smtp => SmtpFailure(smtp, target),
        SslHandshakeException => new($"The TLS handshake with {target} failed: its certificate is not trusted or TLS is not offered there. "
            + $"For a server with a self-signed certificate an Admin can tick '{AcceptInvalidCertificatesField.Label}' on the connection '{settings.Name}'.", e),
        AuthenticationException => new($"{target} did not accept the user name and password of the connection '{settings.Name}' ({e.Message}).", e),
        NotSupportedException => new($"{target} cannot do what the connection '{settings.Name}' asks: {e.Message}", e),
        ImapCommandException imap => new($"{target} refused: {imap.ResponseText}", e),
        HttpRequestException guard when NetworkGuard.IsRefusal(guard) => new(guard.Message, e),
        ProtocolException => new($"{target} broke off the conversation: {e.Message}", e) { Transient = true },
        SocketException socket => new($"Could not reach {target}: {socket.Message}", e) { Transient = true },
        TimeoutException => new($"{target} did not answer within {CommandTimeout.TotalSeconds:N0} s.", e) { Transient = true },
        IOException => new($"The connection to {target} failed: {e.Message}", e) { Transient = true },
        _ => null,
    };

    private static MailServerException SmtpFailure(SmtpCommandException e, string target)
    {
        var status = (int)e.StatusCode;
        var what = e.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => $"refused the recipient {e.Mailbox?.Address}",
            SmtpErrorCode.SenderNotAccepted => $"refused the sender {e.Mailbox?.Address}",
            SmtpErrorCode.MessageNotAccepted => "refused the message",
            _ => "answered",
        };
        // RFC 5321 4.2.1: 4yz is a transient negative completion, 5yz a permanent one.
        return new MailServerException($"{target} {what}: {status} {e.Message}", e) { Transient = status is >= 400 and < 500, StatusCode = status };
    }

    private static SecureSocketOptions SocketOptions(string security) => security switch
    {
        Tls => SecureSocketOptions.SslOnConnect,
        StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private static string Describe(string security) => security switch
    {
        Tls => "TLS",
        StartTls => "STARTTLS",
        _ => "no encryption",
    };
}
