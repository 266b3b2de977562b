using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary>The smtp connection's test against a real SMTP server on loopback: sign-in, STARTTLS, the network guard.</summary>
public sealed class SmtpConnectionTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task Smtp_test_signs_in_and_says_how_it_connected()
    {
        await using var server = await SmtpTestServer.StartAsync(login: ("reports", "mail-pass-9f2c"));
        var config = MailConnections.Server(server.Port, userName: "reports");
        config["from"] = "reports@desk.test";
        await _desk.CreateAsync("mail", "smtp", config, "mail-pass-9f2c");

        var result = await _desk.TestAsync("mail");

        Assert.True(result.Ok, result.Detail);
        Assert.Equal($"Connected to 127.0.0.1:{server.Port} (no encryption), signed in as reports.", result.Detail);
        Assert.Empty(server.Attempts);
    }

    [Fact]
    public async Task Smtp_test_names_a_password_the_server_refuses()
    {
        await using var server = await SmtpTestServer.StartAsync(login: ("reports", "mail-pass-9f2c"));
        var config = MailConnections.Server(server.Port, userName: "reports");
        config["from"] = "reports@desk.test";
        await _desk.CreateAsync("mail", "smtp", config, "wrong-pass-77");

        var result = await _desk.TestAsync("mail");

        Assert.False(result.Ok);
        Assert.Contains("did not accept the user name and password of the connection 'mail'", result.Detail);
    }

    [Fact]
    public async Task Smtp_starttls_with_a_self_signed_certificate_is_refused_unless_the_connection_accepts_it()
    {
        using var certificate = TestCertificates.SelfSigned();
        await using var server = await SmtpTestServer.StartAsync(certificate);
        var strict = MailConnections.Server(server.Port, MailServer.StartTls);
        strict["from"] = "reports@desk.test";
        var lenient = MailConnections.Server(server.Port, MailServer.StartTls, acceptInvalid: true);
        lenient["from"] = "reports@desk.test";
        await _desk.CreateAsync("strict", "smtp", strict);
        await _desk.CreateAsync("lenient", "smtp", lenient);

        var refused = await _desk.TestAsync("strict");
        var accepted = await _desk.TestAsync("lenient");

        Assert.False(refused.Ok);
        Assert.Contains("TLS handshake", refused.Detail);
        Assert.Contains("Accept an invalid TLS certificate", refused.Detail);
        Assert.True(accepted.Ok, accepted.Detail);
        Assert.Equal($"Connected to 127.0.0.1:{server.Port} (STARTTLS).", accepted.Detail);
    }

    [Fact]
    public async Task Smtp_starttls_is_refused_when_the_server_does_not_offer_it()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var config = MailConnections.Server(server.Port, MailServer.StartTls);
        config["from"] = "reports@desk.test";
        await _desk.CreateAsync("mail", "smtp", config);

        var result = await _desk.TestAsync("mail");

        Assert.False(result.Ok);
        Assert.Contains("STARTTLS", result.Detail);
    }

    [Fact]
    public async Task Smtp_server_on_an_internal_address_is_reached_only_when_the_admin_allowed_it_on_the_connection()
    {
        await using var guarded = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Http:AllowPrivateNetworks"] = "false" });
        await using var server = await SmtpTestServer.StartAsync();
        var refused = MailConnections.Server(server.Port, allowPrivate: false);
        refused["from"] = "reports@desk.test";
        var allowed = MailConnections.Server(server.Port);
        allowed["from"] = "reports@desk.test";
        await guarded.CreateAsync("outside", "smtp", refused);
        await guarded.CreateAsync("lan", "smtp", allowed);

        var outside = await guarded.TestAsync("outside");
        var lan = await guarded.TestAsync("lan");

        Assert.False(outside.Ok);
        Assert.Contains($"Refused to connect to 127.0.0.1:{server.Port}", outside.Detail);
        Assert.True(lan.Ok, lan.Detail);
    }

    [Fact]
    public async Task Smtp_connection_settings_name_a_bad_sender_a_bad_port_and_a_missing_password()
    {
        var config = new JsonObject { ["host"] = "mail.example.com", ["port"] = 70000, ["from"] = "reports at example", ["userName"] = "reports" };

        var error = await Assert.ThrowsAsync<DeskProblemException>(() => _desk.CreateAsync("mail", "smtp", config));

        Assert.Contains("config.from: 'reports at example' is not an email address.", error.Message);
        Assert.Contains("config.port: 70000 is not a port", error.Message);
        Assert.Contains("secrets.password: Required when a user name is set.", error.Message);
    }
}
