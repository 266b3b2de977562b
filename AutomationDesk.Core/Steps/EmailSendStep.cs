using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Workflows;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Sends an email through an <c>smtp</c> connection: the step's own, else the desk's default (setting <c>email.defaultConnection</c>), else the
/// <c>Smtp:*</c> configuration. Its Message-ID comes from the step's idempotency key, so every attempt and every retry
/// of the run sends the same one and a receiver can drop the repeat. SMTP 4xx and connection trouble follow the
/// step's retry policy; 5xx does not.
/// </summary>
[StepType("email.send", Label = "Send email", Category = StepCategory.People, Summary = "Sends an email through an SMTP connection.", HasSideEffects = true, DefaultConnectionSetting = DeskSettings.EmailDefaultConnection)]
public sealed class EmailSendStep(
    ConnectionStore connections, DeskSettings settings, IOptions<SmtpOptions> configured, SmtpMailer mailer, ArtifactStore artifacts, TimeProvider time)
    : IStep<EmailSendConfig>
{
    public async Task<StepResult> ExecuteAsync(EmailSendConfig config, StepContext context, CancellationToken ct)
    {
        var smtp = await ConnectionAsync(config.Connection, ct);
        using var message = new MimeMessage();
        if (config.From is { } from)
        {
            message.From.Add(Mailbox(from));
        }
        message.To.AddRange(EmailSendConfig.Addresses(config.To).Select(Mailbox));
        message.Cc.AddRange(EmailSendConfig.Addresses(config.Cc).Select(Mailbox));
        message.Bcc.AddRange(EmailSendConfig.Addresses(config.Bcc).Select(Mailbox));
        message.ReplyTo.AddRange(EmailSendConfig.Addresses(config.ReplyTo).Select(Mailbox));
        message.Subject = config.Subject;
        message.Date = time.GetUtcNow();
        message.MessageId = MessageId(context, config.From ?? smtp.Text(SmtpConnection.From));
        var body = new BodyBuilder { TextBody = config.Body, HtmlBody = config.Html };
        foreach (var id in EmailSendConfig.ArtifactIds(config.Attachments))
        {
            await AttachAsync(body, id, context, ct);
        }
        message.Body = body.ToMessageBody();

        context.Log(LogLevelName.Information, $"Sending \"{config.Subject}\" through {smtp.Name} ({smtp.Text(MailServer.Host)})");
        SentMail sent;
        try
        {
            sent = await mailer.SendAsync(smtp, message, ct);
        }
        catch (MailServerException e)
        {
            // The runner masks the secrets of stored connections; a password from configuration it does not know.
            var masker = new SecretMasker(smtp.Secrets.Values);
            throw new StepFailedException(masker.Apply(e.Message)!, masker.Apply(e.ToString())) { Transient = e.Transient };
        }
        context.Log(LogLevelName.Information, $"Accepted for {sent.Accepted.Count} recipient(s): {sent.ServerAnswer}");
        return StepResult.Done(new JsonObject
        {
            ["messageId"] = sent.MessageId,
            ["accepted"] = new JsonArray(sent.Accepted.Select(a => (JsonNode)a).ToArray()),
        });
    }

    /// <summary>The step's connection, else the desk's default email connection (a setting), else <c>Smtp:*</c>.</summary>
    private async Task<ConnectionSettings> ConnectionAsync(string? named, CancellationToken ct)
    {
        var name = named ?? await settings.TextAsync(DeskSettings.EmailDefaultConnection, ct);
        if (name is null)
        {
            return configured.Value.AsConnection() ?? throw new StepFailedException(
                "No mail server is set up. Name an smtp connection in the step's 'connection', choose a default email connection "
                + $"(PUT /api/v1/settings/{DeskSettings.EmailDefaultConnection}), or set Smtp:Host (with Smtp:From) in the desk's configuration.");
        }
        var where = named is null ? $" (the setting {DeskSettings.EmailDefaultConnection} names it)" : "";
        var smtp = await connections.ResolveAsync(name, ct)
            ?? throw new StepFailedException($"There is no connection named '{name}'{where}. Create it on the Connections page.");
        if (smtp.Type != SmtpConnection.TypeName)
        {
            throw new StepFailedException($"The connection '{name}'{where} is a {smtp.Type} connection; sending email needs an smtp connection.");
        }
        return smtp;
    }

    /// <summary>
    /// Attaches an artifact of this run (or of the run it retries, whose outputs it carries on); any other run's
    /// files are not this step's to send.
    /// </summary>
    private async Task AttachAsync(BodyBuilder body, Guid id, StepContext context, CancellationToken ct)
    {
        var artifact = await artifacts.FindAsync(context.ExecutionId, id, ct)
            ?? (context.OriginExecutionId != context.ExecutionId ? await artifacts.FindAsync(context.OriginExecutionId, id, ct) : null)
            ?? throw new StepFailedException($"attachments: this run has no artifact {id}.");
        await using var content = artifacts.Open(artifact)
            ?? throw new StepFailedException($"attachments: the file of artifact '{artifact.Name}' ({id}) is gone from the disk.");
        var type = ContentType.TryParse(artifact.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
        await body.Attachments.AddAsync(artifact.Name, content, type, ct);
    }

    /// <summary>
    /// A Message-ID that is the same for this step on every attempt and every retry of the run (RFC 5322 3.6.4: the
    /// receiver may treat two messages with one id as one), under the sender's domain.
    /// </summary>
    private static string MessageId(StepContext context, string? sender)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(context.IdempotencyKey)))[..32];
        var domain = sender is not null && MailAddresses.TryParse(sender, out var mailbox) ? mailbox.Domain : "automationdesk.invalid";
        return $"{hash}@{domain}";
    }

    /// <summary>An address the config's validation already accepted.</summary>
    private static MailboxAddress Mailbox(string text) =>
        MailAddresses.TryParse(text, out var mailbox) ? mailbox : throw new StepFailedException($"'{text}' is not an email address.");
}

/// <summary>
/// <c>to</c>, <c>cc</c>, <c>bcc</c> and <c>replyTo</c> are one address, a comma-separated text of them, or a list;
/// <c>attachments</c> is artifact ids of this run (a list, a comma-separated text, or objects with an
/// <c>artifactId</c>, such as a <c>comfyui.prompt</c> step's <c>outputs</c>).
/// </summary>
public sealed record EmailSendConfig : IValidatableConfig
{
    /// <summary>An <c>smtp</c> connection; left out: the default email connection, then the <c>Smtp:*</c> configuration.</summary>
    public string? Connection { get; init; }

    public JsonNode? To { get; init; }
    public JsonNode? Cc { get; init; }
    public JsonNode? Bcc { get; init; }
    public JsonNode? ReplyTo { get; init; }

    /// <summary>The sender, instead of the connection's <c>from</c>.</summary>
    public string? From { get; init; }

    public required string Subject { get; init; }

    /// <summary>The plain-text body.</summary>
    public string Body { get; init; } = "";

    /// <summary>An HTML body sent beside the text one (mail programs show whichever they can).</summary>
    public string? Html { get; init; }

    public JsonNode? Attachments { get; init; }

    public IEnumerable<(string Field, string Message)> Validate()
    {
        var recipients = 0;
        foreach (var (field, value) in new[] { ("to", To), ("cc", Cc), ("bcc", Bcc), ("replyTo", ReplyTo) })
        {
            foreach (var (path, text) in Texts(field, value))
            {
                if (text is null)
                {
                    yield return (path, "Must be an email address as text.");
                    continue;
                }
                foreach (var address in MailAddresses.Split(text))
                {
                    if (!MailAddresses.TryParse(address, out _))
                    {
                        yield return (path, $"'{address}' is not an email address.");
                    }
                    else if (field != "replyTo")
                    {
                        recipients++;
                    }
                }
            }
        }
        if (recipients == 0)
        {
            yield return ("to", "Give at least one recipient in to, cc or bcc.");
        }
        if (From is not null && !MailAddresses.TryParse(From, out _))
        {
            yield return ("from", $"'{From}' is not an email address.");
        }
        if (string.IsNullOrWhiteSpace(Subject) || Subject.Length > 998)
        {
            yield return ("subject", "A subject is 1 to 998 characters.");
        }
        foreach (var (path, reference) in References(Attachments))
        {
            if (!Guid.TryParse(reference, out _))
            {
                yield return (path, reference is null
                    ? "Must be an artifact id, or an object with an artifactId."
                    : $"'{reference}' is not an artifact id.");
            }
        }
    }

    /// <summary>Every address in a field that validated.</summary>
    public static IReadOnlyList<string> Addresses(JsonNode? value) =>
        Texts("", value).SelectMany(t => t.Text is null ? [] : MailAddresses.Split(t.Text)).ToList();

    /// <summary>Every artifact id in <c>attachments</c> that validated, each once.</summary>
    public static IReadOnlyList<Guid> ArtifactIds(JsonNode? value) =>
        References(value).Select(r => Guid.TryParse(r.Id, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().ToList();

    /// <summary>The texts of a field with the path of each: one for a text, one per item of a list (null for an item that is not text).</summary>
    private static IEnumerable<(string Path, string? Text)> Texts(string field, JsonNode? value) => value switch
    {
        null => [],
        JsonArray list => list.Select((item, i) => ($"{field}[{i}]", JsonNodeText.TextOrNull(item))),
        JsonValue when JsonNodeText.TextOrNull(value) is { } text => [(field, text)],
        _ => [(field, null)],
    };

    private static IEnumerable<(string Path, string? Id)> References(JsonNode? value) => value switch
    {
        null => [],
        JsonArray list => list.SelectMany((item, i) => Reference($"attachments[{i}]", item)),
        JsonValue when JsonNodeText.TextOrNull(value) is { } text => MailAddresses.Split(text).Select(id => ("attachments", (string?)id)),
        _ => Reference("attachments", value),
    };

    private static IEnumerable<(string Path, string? Id)> Reference(string path, JsonNode? item) => item switch
    {
        JsonObject reference => [(path, JsonNodeText.TextOrNull(reference["artifactId"]))],
        JsonValue => [(path, JsonNodeText.TextOrNull(item))],
        _ => [(path, null)],
    };
}
