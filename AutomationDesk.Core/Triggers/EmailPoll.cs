using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// One poll of an email trigger: reads the messages of an IMAP folder whose UID is above the highest one taken, and
/// starts one run per message. The run's execution row, its attachments' rows and the advanced cursor are one commit,
/// so a stop before it takes the message again and a stop after it does not (the message is never lost or repeated).
/// The first poll, and a poll after the server changed the folder's UIDVALIDITY, only remember where the folder is:
/// a mailbox is never replayed.
/// </summary>
public sealed partial class EmailPoll(
    IDbContextFactory<DeskDbContext> dbFactory, ConnectionStore connections, ExecutionLauncher launcher, ArtifactStore artifacts, IOptions<HttpStepOptions> limits, ILogger<EmailPoll> logger)
{
    /// <summary>The largest message taken whole; a bigger one starts its run with its text only and a note.</summary>
    public const long MaxMessageBytes = 25L * 1024 * 1024;

    /// <summary>Messages taken in one poll; the rest wait for the next.</summary>
    public const int MaxMessagesPerPoll = 100;

    /// <summary>The most characters of <c>text</c> or <c>html</c> a run's trigger body holds.</summary>
    public const int MaxTextChars = 1024 * 1024;

    /// <summary>The step id the trigger's attachments are kept under, as a run shows them.</summary>
    public const string ArtifactStepId = "trigger";

    private static readonly Actor EmailActor = new(ActorKind.System, "email trigger");

    public async Task<PollOutcome> PollAsync(PolledWorkflow workflow, EmailTrigger trigger, TriggerPoll cursor, CancellationToken ct)
    {
        var settings = await connections.ResolveAsync(trigger.Connection, ct)
            ?? throw new MailServerException($"There is no connection '{trigger.Connection}': add an imap connection by that name under Connections, or pick another in the trigger.");
        if (settings.Type != ImapConnection.TypeName)
        {
            throw new MailServerException($"The connection '{trigger.Connection}' is a {settings.Type} connection: an email trigger reads an {ImapConnection.TypeName} connection.");
        }
        using var client = new ImapClient();
        await MailServer.ConnectAsync(client, settings, ImapConnection.DefaultPort, limits.Value, ct);
        IMailFolder folder;
        try
        {
            folder = await client.GetFolderAsync(trigger.Folder, ct);
            await folder.OpenAsync(trigger.MarkSeen ? FolderAccess.ReadWrite : FolderAccess.ReadOnly, ct);
        }
        catch (FolderNotFoundException e)
        {
            throw new MailServerException($"The mailbox of the connection '{trigger.Connection}' has no folder '{trigger.Folder}'.", e);
        }
        catch (Exception e) when (MailServer.Failure(e, trigger.Connection, settings) is { } failure)
        {
            throw failure;
        }
        var outcome = await TakeNewAsync(workflow, trigger, cursor, folder, ct);
        await MailServer.DisconnectQuietlyAsync(client, ct);
        return outcome;
    }

    private async Task<PollOutcome> TakeNewAsync(PolledWorkflow workflow, EmailTrigger trigger, TriggerPoll cursor, IMailFolder folder, CancellationToken ct)
    {
        var validity = folder.UidValidity;
        if (cursor.UidValidity != validity || cursor.LastUid is null)
        {
            var all = await folder.SearchAsync(SearchQuery.All, ct);
            var highest = all.Count == 0 ? 0 : all.Max(u => u.Id);
            if (cursor.UidValidity is { } before)
            {
                Log.UidValidityChanged(logger, trigger.Folder, workflow.Name, before, validity, highest);
            }
            await MoveCursorAsync(workflow.WorkflowId, cursor.LastUid, validity, highest, ct);
            return PollOutcome.Nothing;
        }
        var last = (uint)cursor.LastUid.Value;
        var found = await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(validity, last + 1), UniqueId.MaxValue)), ct);
        // "n:*" always includes the newest message, even when its UID is below n (RFC 9051 6.4.9): keep only new ones.
        var uids = found.Where(u => u.Id > last).OrderBy(u => u.Id).Take(MaxMessagesPerPoll).ToList();
        if (uids.Count == 0)
        {
            return PollOutcome.Nothing;
        }
        var summaries = (await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure, ct))
            .OrderBy(s => s.UniqueId.Id).ToList();
        long? previous = last;
        string? lastSubject = null;
        var taken = 0;
        foreach (var summary in summaries)
        {
            var (body, staged) = summary.Size is { } size && size > MaxMessageBytes
                ? await OversizedAsync(folder, summary, ct)
                : await WholeAsync(await folder.GetMessageAsync(summary.UniqueId, ct), summary, ct);
            var uid = summary.UniqueId.Id;
            try
            {
                await launcher.StartAsync(workflow.WorkflowId, new RunRequest(TriggerTypes.Email, new JsonObject { ["body"] = body }), EmailActor, (db, executionId) =>
                {
                    foreach (var artifact in staged)
                    {
                        artifacts.Attach(db, artifact, executionId);
                    }
                    var row = new TriggerPoll { WorkflowId = workflow.WorkflowId, LastUid = previous };
                    db.TriggerPolls.Attach(row);
                    row.LastUid = uid;
                }, ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another poller recorded this message first: its run stands, this one was never written.
                staged.ForEach(ArtifactStore.Discard);
                break;
            }
            catch
            {
                staged.ForEach(ArtifactStore.Discard);
                throw;
            }
            previous = uid;
            taken++;
            lastSubject = (string?)body["subject"];
            if (trigger.MarkSeen)
            {
                await folder.AddFlagsAsync(summary.UniqueId, MessageFlags.Seen, silent: true, ct);
            }
        }
        return new PollOutcome(taken, lastSubject);
    }

    /// <summary>Sets where the folder is (a first poll, or renumbered messages), unless another poller moved the cursor meanwhile.</summary>
    private async Task MoveCursorAsync(Guid workflowId, long? from, long validity, long highest, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.TriggerPolls.Where(p => p.WorkflowId == workflowId && p.LastUid == from)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UidValidity, (long?)validity).SetProperty(p => p.LastUid, (long?)highest), ct);
    }

    /// <summary>The trigger body of a message taken whole; each attachment is staged as an artifact for the run.</summary>
    private async Task<(JsonObject Body, List<StagedArtifact> Staged)> WholeAsync(MimeMessage message, IMessageSummary summary, CancellationToken ct)
    {
        var body = Envelope(summary);
        body["messageId"] = message.MessageId;
        body["text"] = Cut(message.TextBody, body, "text");
        body["html"] = Cut(message.HtmlBody, body, "html");
        var list = new JsonArray();
        var staged = new List<StagedArtifact>();
        try
        {
            foreach (var attachment in message.Attachments)
            {
                using var content = new MemoryStream();
                string name;
                if (attachment is MessagePart { Message: { } attached })
                {
                    await attached.WriteToAsync(content, ct);
                    name = attachment.ContentDisposition?.FileName ?? (attached.Subject is { Length: > 0 } s ? s + ".eml" : "message.eml");
                }
                else if (attachment is MimePart { Content: { } part } mime)
                {
                    await part.DecodeToAsync(content, ct);
                    name = mime.FileName ?? "attachment";
                }
                else
                {
                    continue;
                }
                content.Position = 0;
                var entry = new JsonObject { ["name"] = name, ["contentType"] = attachment.ContentType.MimeType, ["size"] = content.Length };
                try
                {
                    var artifact = await artifacts.StageAsync(ArtifactStepId, name, attachment.ContentType.MimeType, content, ct);
                    staged.Add(artifact);
                    entry["artifactId"] = artifact.Artifact.Id;
                }
                catch (ArtifactTooLargeException e)
                {
                    entry["artifactId"] = null;
                    entry["note"] = e.Message;
                }
                list.Add(entry);
            }
        }
        catch
        {
            staged.ForEach(ArtifactStore.Discard);
            throw;
        }
        body["attachments"] = list;
        return (body, staged);
    }

    /// <summary>A message over <see cref="MaxMessageBytes"/>: its envelope and text part only; attachments listed, not kept.</summary>
    private static async Task<(JsonObject Body, List<StagedArtifact> Staged)> OversizedAsync(IMailFolder folder, IMessageSummary summary, CancellationToken ct)
    {
        var body = Envelope(summary);
        body["messageId"] = summary.Envelope?.MessageId;
        string? text = null;
        if (summary.TextBody is { } part && part.Octets <= MaxTextChars * 4L && await folder.GetBodyPartAsync(summary.UniqueId, part, ct) is TextPart textPart)
        {
            text = textPart.Text;
        }
        body["text"] = Cut(text, body, "text");
        body["html"] = null;
        body["attachments"] = new JsonArray(summary.Attachments.Select(a => (JsonNode?)new JsonObject
        {
            ["name"] = a.FileName ?? "attachment",
            ["contentType"] = a.ContentType.MimeType,
            ["size"] = a.Octets,
            ["artifactId"] = null,
        }).ToArray());
        body["note"] = $"The message is {summary.Size / (1024.0 * 1024):N1} MiB, over the {MaxMessageBytes / (1024 * 1024)} MiB an email trigger takes whole: "
            + "only its text was read, and its attachments were not kept.";
        return (body, []);
    }

    private static JsonObject Envelope(IMessageSummary summary)
    {
        var envelope = summary.Envelope;
        var from = envelope?.From.Mailboxes.FirstOrDefault();
        return new JsonObject
        {
            ["uid"] = summary.UniqueId.Id,
            ["from"] = from?.Address,
            ["fromName"] = from?.Name,
            ["to"] = Addresses(envelope?.To),
            ["cc"] = Addresses(envelope?.Cc),
            ["subject"] = envelope?.Subject ?? "",
            ["date"] = envelope?.Date?.ToUniversalTime(),
        };
    }

    private static JsonArray Addresses(InternetAddressList? list) =>
        new((list?.Mailboxes ?? []).Select(m => (JsonNode?)JsonValue.Create(m.Address)).ToArray());

    /// <summary>The text cut at <see cref="MaxTextChars"/>; a cut is said in <c>truncated</c>.</summary>
    private static string? Cut(string? text, JsonObject body, string field)
    {
        if (text is null || text.Length <= MaxTextChars)
        {
            return text;
        }
        body["truncated"] = body["truncated"] is JsonArray cut ? cut : new JsonArray();
        ((JsonArray)body["truncated"]!).Add(field);
        return text[..MaxTextChars];
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Folder {Folder} of workflow {Workflow} has a new UIDVALIDITY ({Before} → {After}): its messages were renumbered, so the trigger starts after the newest one (UID {Highest}) without replaying them")]
        public static partial void UidValidityChanged(ILogger logger, string folder, string workflow, long before, long after, long highest);
    }
}
