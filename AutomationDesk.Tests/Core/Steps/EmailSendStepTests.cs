using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Core.Connections;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>email.send end to end: a workflow run sends through a real SMTP server on loopback.</summary>
public sealed class EmailSendStepTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private SmtpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await SmtpTestServer.StartAsync();
        var config = MailConnections.Server(_server.Port);
        config["from"] = "Reports <reports@desk.test>";
        await _desk.CreateAsync("mail", "smtp", config);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private static JsonObject Email(JsonObject config) => Step("mail", "email.send", config);

    private static JsonObject Basic(string connection = "mail") => new()
    {
        ["connection"] = connection,
        ["to"] = "boss@desk.test",
        ["subject"] = "Daily report",
        ["body"] = "All good.",
    };

    private static JsonObject WithRetry(JsonObject step)
    {
        step["retry"] = new JsonObject { ["maxAttempts"] = 3, ["backoff"] = "fixed", ["initialDelay"] = "00:00:01" };
        return step;
    }

    [Fact]
    public async Task Email_send_delivers_headers_text_and_html_and_every_envelope_recipient_including_bcc()
    {
        var execution = await _desk.RunAsync(Workflow(Email(new JsonObject
        {
            ["connection"] = "mail",
            ["to"] = "Boss <boss@desk.test>, ann@desk.test",
            ["cc"] = new JsonArray("cfo@desk.test"),
            ["bcc"] = new JsonArray("audit@desk.test"),
            ["replyTo"] = "help@desk.test",
            ["subject"] = "Report for ${trigger.day}",
            ["body"] = "Orders: ${trigger.orders}",
            ["html"] = "<p>Orders: <b>${trigger.orders}</b></p>",
        })), new JsonObject { ["day"] = "Monday", ["orders"] = 12 });

        Assert.True(execution.Status == ExecutionStatus.Succeeded, execution.Steps[0].ErrorHuman);
        var received = Assert.Single(_server.Accepted);
        var message = received.Message;
        Assert.Equal("reports@desk.test", received.From);
        Assert.Equal(["boss@desk.test", "ann@desk.test", "cfo@desk.test", "audit@desk.test"], received.Recipients);
        Assert.Equal("\"Reports\" <reports@desk.test>", message.From.ToString());
        Assert.Equal("\"Boss\" <boss@desk.test>, ann@desk.test", message.To.ToString());
        Assert.Equal("cfo@desk.test", message.Cc.ToString());
        Assert.Empty(message.Bcc);
        Assert.Equal("help@desk.test", message.ReplyTo.ToString());
        Assert.Equal("Report for Monday", message.Subject);
        Assert.Equal("Orders: 12", message.TextBody!.TrimEnd());
        Assert.Equal("<p>Orders: <b>12</b></p>", message.HtmlBody!.TrimEnd());
        var output = JsonNode.Parse(execution.Steps[0].OutputJson!)!;
        Assert.Equal(message.MessageId, output["messageId"]!.GetValue<string>());
        Assert.EndsWith("@desk.test", message.MessageId);
        Assert.Equal("""["boss@desk.test","ann@desk.test","cfo@desk.test","audit@desk.test"]""", output["accepted"]!.ToJsonString());
    }

    [Fact]
    public async Task Email_send_attaches_an_artifact_of_its_run_and_refuses_one_of_another_run()
    {
        var other = await _desk.RunAsync(Workflow(Transform("x", 1)));
        var foreign = await SaveArtifactAsync(other.Id, "other.txt", "text/plain", "not yours"u8.ToArray());
        byte[] image = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF, 0x10, 0x0A];
        var config = Basic();
        config["attachments"] = "${trigger.files}";
        var definition = Workflow(Email(config));

        var own = await RunWithArtifactAsync(definition, run => SaveArtifactAsync(run, "chart.png", "image/png", image));
        var refused = await _desk.RunAsync(definition, new JsonObject { ["files"] = new JsonArray(new JsonObject { ["artifactId"] = foreign.ToString() }) });

        Assert.True(own.Status == ExecutionStatus.Succeeded, own.Steps[0].ErrorHuman);
        var attachment = Assert.Single(Assert.Single(_server.Accepted).Message.Attachments.OfType<MimePart>());
        Assert.Equal("chart.png", attachment.FileName);
        Assert.Equal("image/png", attachment.ContentType.MimeType);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        Assert.Equal(image, content.ToArray());
        Assert.Equal(ExecutionStatus.Failed, refused.Status);
        Assert.Equal($"attachments: this run has no artifact {foreign}.", refused.Steps[0].ErrorHuman);
    }

    [Fact]
    public async Task Email_send_retries_a_4xx_answer_and_sends_the_same_message_id_again()
    {
        _server.Answer = attempt => attempt == 1 ? (451, "Try again later") : null;

        var first = await _desk.RunAsync(Workflow(WithRetry(Email(Basic()))));
        _desk.Time.Advance(TimeSpan.FromSeconds(2));
        await _desk.RunDueWorkAsync();
        var finished = await _desk.ExecutionAsync(first.Id);

        Assert.Equal(ExecutionStatus.Retrying, first.Status);
        Assert.Contains("451", first.Steps[0].ErrorHuman);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(2, finished.Steps[0].Attempts);
        var attempts = _server.Attempts.ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].Message.MessageId, attempts[1].Message.MessageId);
        Assert.Single(_server.Accepted);
    }

    [Fact]
    public async Task Email_send_does_not_retry_a_5xx_answer()
    {
        _server.Answer = _ => (554, "Message rejected as spam");

        var execution = await _desk.RunAsync(Workflow(WithRetry(Email(Basic()))));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(1, execution.Steps[0].Attempts);
        Assert.Equal($"127.0.0.1 refused the message: 554 Message rejected as spam", execution.Steps[0].ErrorHuman);
        Assert.Single(_server.Attempts);
    }

    [Fact]
    public async Task Email_send_over_starttls_reaches_a_self_signed_server_when_the_connection_accepts_it()
    {
        using var certificate = TestCertificates.SelfSigned();
        await using var secure = await SmtpTestServer.StartAsync(certificate);
        var config = MailConnections.Server(secure.Port, MailServer.StartTls, acceptInvalid: true);
        config["from"] = "reports@desk.test";
        await _desk.CreateAsync("secure", "smtp", config);

        var execution = await _desk.RunAsync(Workflow(Email(Basic("secure"))));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.True(Assert.Single(secure.Accepted).Secure);
    }

    [Fact]
    public async Task Email_send_signs_in_with_the_password_secret_which_no_stored_part_of_the_run_shows()
    {
        const string password = "smtp-secret-4d1e";
        await using var guarded = await SmtpTestServer.StartAsync(login: ("reports", password));
        // A server that echoes the password in its refusal: the run must still not keep it.
        guarded.Answer = attempt => attempt == 2 ? (554, $"No relay for user reports with {password}") : null;
        var config = MailConnections.Server(guarded.Port, userName: "reports");
        config["from"] = "reports@desk.test";
        await _desk.CreateAsync("login", "smtp", config, password);

        var sent = await _desk.RunAsync(Workflow(Email(Basic("login"))));
        var refused = await _desk.RunAsync(Workflow(Email(Basic("login"))));

        Assert.Equal(ExecutionStatus.Succeeded, sent.Status);
        Assert.Equal("reports", Assert.Single(guarded.Accepted).User);
        Assert.Equal(ExecutionStatus.Failed, refused.Status);
        Assert.Contains("No relay for user reports with ***", refused.Steps[0].ErrorHuman);
        await AssertNowhereAsync(password, sent.Id, refused.Id);
    }

    [Fact]
    public async Task Email_send_without_a_connection_uses_the_default_email_connection_of_the_settings()
    {
        await _desk.Get<DeskSettings>().SetAsync(DeskSettings.EmailDefaultConnection, "mail", Actor.System, CancellationToken.None);
        var config = Basic();
        config.Remove("connection");

        var execution = await _desk.RunAsync(Workflow(Email(config)));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal("reports@desk.test", Assert.Single(_server.Accepted).From);
    }

    [Fact]
    public async Task Email_send_without_a_connection_or_default_uses_the_smtp_configuration_and_never_keeps_its_password()
    {
        const string password = "config-secret-81aa";
        await using var guarded = await SmtpTestServer.StartAsync(login: ("ops", password));
        guarded.Answer = attempt => attempt == 2 ? (554, $"Refused for {password}") : null;
        await using var desk = await CoreDesk.StartAsync(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = guarded.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:UseTls"] = "false",
            ["Smtp:From"] = "ops@desk.test",
            ["Smtp:UserName"] = "ops",
            ["Smtp:Password"] = password,
        });
        var config = Basic();
        config.Remove("connection");
        var definition = Workflow(Email(config));

        var sent = await desk.RunAsync(definition);
        var refused = await desk.RunAsync(definition);

        Assert.Equal(ExecutionStatus.Succeeded, sent.Status);
        var received = Assert.Single(guarded.Accepted);
        Assert.Equal("ops@desk.test", received.From);
        Assert.Equal("ops", received.User);
        Assert.Equal(ExecutionStatus.Failed, refused.Status);
        Assert.Equal("127.0.0.1 refused the message: 554 Refused for ***", refused.Steps[0].ErrorHuman);
        await AssertNowhereAsync(password, desk, sent.Id, refused.Id);
    }

    [Fact]
    public async Task Email_send_with_no_mail_server_anywhere_says_how_to_set_one_up()
    {
        var config = Basic();
        config.Remove("connection");

        var execution = await _desk.RunAsync(Workflow(Email(config)));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains("No mail server is set up", execution.Steps[0].ErrorHuman);
        Assert.Contains("email.defaultConnection", execution.Steps[0].ErrorHuman);
        Assert.Contains("Smtp:Host", execution.Steps[0].ErrorHuman);
    }

    [Fact]
    public async Task Email_send_names_each_address_that_is_not_one()
    {
        var config = Basic();
        config["to"] = new JsonArray("boss@desk.test", "bob@", 42);
        config["cc"] = "ann@desk.test, not an address";

        var execution = await _desk.RunAsync(Workflow(Email(config)));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        var error = execution.Steps[0].ErrorHuman!;
        Assert.Contains("config.to[1]: 'bob@' is not an email address.", error);
        Assert.Contains("config.to[2]: Must be an email address as text.", error);
        Assert.Contains("config.cc: 'not an address' is not an email address.", error);
        Assert.Empty(_server.Attempts);
    }

    [Fact]
    public async Task Email_send_through_a_connection_of_another_type_says_so()
    {
        await _desk.CreateAsync("inbox", "imap", MailConnections.Server(143, userName: "desk"), "pw-123456");

        var execution = await _desk.RunAsync(Workflow(Email(Basic("inbox"))));

        Assert.Equal("The connection 'inbox' is a imap connection; sending email needs an smtp connection.", execution.Steps[0].ErrorHuman);
    }

    private async Task<Guid> SaveArtifactAsync(Guid executionId, string name, string contentType, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        var artifact = await _desk.Get<ArtifactStore>().SaveAsync(executionId, "render", name, contentType, content, CancellationToken.None);
        return artifact.Id;
    }

    /// <summary>
    /// Starts a run, keeps a file as its artifact (as an earlier step of it would), hands the artifact's id to the run as
    /// <c>trigger.files</c>, and runs it.
    /// </summary>
    private async Task<global::AutomationDesk.Core.Execution.Execution> RunWithArtifactAsync(JsonObject definition, Func<Guid, Task<Guid>> save)
    {
        var executionId = await _desk.StartAsync(await _desk.SaveAsync(definition));
        var artifactId = await save(executionId);
        await using (var db = _desk.NewDb())
        {
            var input = new JsonObject { ["files"] = new JsonArray(artifactId.ToString()) }.ToJsonString();
            await db.Executions.Where(e => e.Id == executionId).ExecuteUpdateAsync(s => s.SetProperty(e => e.TriggerInputJson, input));
        }
        await _desk.RunDueWorkAsync();
        return await _desk.ExecutionAsync(executionId);
    }

    private Task AssertNowhereAsync(string secret, params Guid[] executions) => AssertNowhereAsync(secret, _desk, executions);

    private static async Task AssertNowhereAsync(string secret, CoreDesk desk, params Guid[] executions)
    {
        foreach (var id in executions)
        {
            var execution = await desk.ExecutionAsync(id);
            foreach (var step in execution.Steps)
            {
                Assert.DoesNotContain(secret, step.InputJson ?? "");
                Assert.DoesNotContain(secret, step.OutputJson ?? "");
                Assert.DoesNotContain(secret, step.ErrorHuman ?? "");
                Assert.DoesNotContain(secret, step.ErrorTech ?? "");
            }
            Assert.All(await desk.LogsAsync(id), log => Assert.DoesNotContain(secret, log.Message + log.DataJson));
        }
    }
}
