using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Settings;
using MimeKit;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>
/// An email channel: the mail goes through the channel's smtp connection, or the desk's default email connection when
/// the channel names none. The subject is the notification's headline, the text its message.
/// </summary>
public sealed class EmailChannelDelivery(ConnectionStore connections, DeskSettings settings, SmtpMailer mailer) : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Email;

    public async Task SendAsync(ChannelMessage message, ChannelTarget target, CancellationToken ct)
    {
        var name = target.ConnectionName ?? await settings.TextAsync(DeskSettings.EmailDefaultConnection, ct);
        if (name is null)
        {
            throw new ChannelSendException(
                "No email connection: name an smtp connection on the channel, or have an administrator choose the desk's default email connection.", transient: false);
        }
        if (await connections.ResolveAsync(name, ct) is not { } smtp)
        {
            throw new ChannelSendException($"The email connection '{name}' does not exist any more.", transient: false);
        }
        if (smtp.Type != SmtpConnection.TypeName)
        {
            throw new ChannelSendException($"The connection '{name}' is a {smtp.Type} connection, not smtp.", transient: false);
        }
        if (!MailAddresses.TryParse(target.Address ?? "", out var to))
        {
            throw new ChannelSendException($"'{target.Address}' is not an email address.", transient: false);
        }
        var mail = new MimeMessage { Subject = message.Headline };
        mail.To.Add(to);
        // The same delivery sends the same Message-ID on every attempt, so a receiver can drop a repeat.
        mail.MessageId = $"{message.DeliveryId:N}@automationdesk";
        mail.Body = new TextPart("plain") { Text = $"{message.Message}\n\n{message.Type} · {message.Priority} · {message.CreatedAt:u}" };
        try
        {
            await mailer.SendAsync(smtp, mail, ct);
        }
        catch (MailServerException e)
        {
            throw new ChannelSendException(e.Message, e.Transient);
        }
    }
}
