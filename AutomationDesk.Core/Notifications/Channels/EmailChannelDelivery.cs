using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Settings;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>
/// An email channel: the mail goes through the channel's smtp connection, or the desk's default email connection when
/// the channel names none. The SMTP client (<c>SmtpMailer</c>) arrives with the email integration; until then this
/// finds the connection, so a missing one is named, and fails the delivery saying email is not available.
/// </summary>
public sealed class EmailChannelDelivery(ConnectionStore connections, DeskSettings settings) : IChannelSender
{
    public const string NotAvailable = "Email delivery is not available in this build.";

    public ChannelKind Kind => ChannelKind.Email;

    public async Task SendAsync(ChannelMessage message, ChannelTarget target, CancellationToken ct)
    {
        var name = target.ConnectionName ?? await settings.TextAsync(DeskSettings.EmailDefaultConnection, ct);
        if (name is null)
        {
            throw new ChannelSendException(
                "No email connection: name an smtp connection on the channel, or have an administrator choose the desk's default email connection.", transient: false);
        }
        if (await connections.ResolveAsync(name, ct) is null)
        {
            throw new ChannelSendException($"The email connection '{name}' does not exist any more.", transient: false);
        }
        throw new ChannelSendException(NotAvailable, transient: false);
    }
}
