using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;
using MimeKit;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary>The imap connection's test against a real Dovecot on loopback.</summary>
public sealed class ImapConnectionTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private DovecotServer _dovecot = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _dovecot = await DovecotServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dovecot.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private static MimeMessage Mail(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("orders@shop.test"));
        message.To.Add(MailboxAddress.Parse("desk@desk.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "An order." };
        return message;
    }

    [Fact]
    public async Task Imap_test_signs_in_opens_inbox_and_counts_its_messages()
    {
        await _dovecot.AppendAsync(Mail("Order 1"));
        await _dovecot.AppendAsync(Mail("Order 2"));
        await _desk.CreateAsync("inbox", "imap", MailConnections.Server(_dovecot.Port, userName: _dovecot.User), _dovecot.Password);

        var result = await _desk.TestAsync("inbox");

        Assert.True(result.Ok, result.Detail);
        Assert.Equal($"Connected to 127.0.0.1:{_dovecot.Port} (no encryption), signed in as {_dovecot.User}; INBOX has 2 messages.", result.Detail);
    }

    [Fact]
    public async Task Imap_test_names_a_password_the_server_refuses()
    {
        await _desk.CreateAsync("inbox", "imap", MailConnections.Server(_dovecot.Port, userName: _dovecot.User), "not-the-password");

        var result = await _desk.TestAsync("inbox");

        Assert.False(result.Ok);
        Assert.Contains("did not accept the user name and password of the connection 'inbox'", result.Detail);
    }

    [Fact]
    public async Task Imap_starttls_is_refused_when_the_server_does_not_offer_it()
    {
        await _desk.CreateAsync("inbox", "imap", MailConnections.Server(_dovecot.Port, MailServer.StartTls, userName: _dovecot.User), _dovecot.Password);

        var result = await _desk.TestAsync("inbox");

        Assert.False(result.Ok);
        Assert.Contains("STARTTLS", result.Detail);
    }

    [Fact]
    public async Task Imap_connection_needs_a_user_name_and_a_password()
    {
        var error = await Assert.ThrowsAsync<AutomationDesk.Core.DeskProblemException>(
            () => _desk.CreateAsync("inbox", "imap", MailConnections.Server(_dovecot.Port)));

        Assert.Equal(["Required."], error.Errors!["config.userName"]);
        Assert.Equal(["Required."], error.Errors!["secrets.password"]);
    }
}
