using AutomationDesk.Core.Steps;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// Sends one message through an <c>smtp</c> connection: the guarded socket, its TLS mode, its sign-in. Both
/// <c>email.send</c> and email notifications come here. A failure is a <see cref="MailServerException"/> that says
/// whether another attempt may succeed (SMTP 4xx, connection trouble) or not (5xx, bad credentials or certificate).
/// </summary>
public sealed class SmtpMailer(IOptions<HttpStepOptions> limits)
{
    /// <summary>
    /// Sends <paramref name="message"/> to its To, Cc and Bcc (the Bcc header itself is not sent). A message without a
    /// From gets the connection's; its Message-ID is kept as set, so a repeat can carry the same one.
    /// </summary>
    public async Task<SentMail> SendAsync(ConnectionSettings smtp, MimeMessage message, CancellationToken ct)
    {
        if (message.From.Count == 0)
        {
            if (smtp.Text(SmtpConnection.From) is not { } from || !MailAddresses.TryParse(from, out var sender))
            {
                throw new MailServerException($"The email has no sender: set 'from' on the step or on the connection '{smtp.Name}'.");
            }
            message.From.Add(sender);
        }
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
            .Select(m => m.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0)
        {
            throw new MailServerException("The email has no recipient: give it at least one address in to, cc or bcc.");
        }
        message.MessageId ??= MimeUtils.GenerateMessageId();
        using var client = new SmtpClient();
        var target = smtp.Text(MailServer.Host) ?? smtp.Name;
        try
        {
            await MailServer.ConnectAsync(client, smtp, SmtpConnection.DefaultPort, limits.Value, ct);
            var answer = await client.SendAsync(message, ct);
            await MailServer.DisconnectQuietlyAsync(client, ct);
            return new SentMail(message.MessageId, recipients, answer);
        }
        catch (Exception e) when (MailServer.Failure(e, target, smtp) is { } failure)
        {
            throw failure;
        }
    }
}
