using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Core.Connections;
using AutomationDesk.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace AutomationDesk.Tests.Core.Triggers;

/// <summary>The email trigger against a real Dovecot on loopback: each message once, across restarts and renumbering.</summary>
public sealed class EmailTriggerTests : IAsyncLifetime
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

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

    private async Task<Guid> SaveAsync(string folder = "INBOX", bool markSeen = true, string? password = null)
    {
        await _desk.CreateAsync("inbox", "imap", MailConnections.Server(_dovecot.Port, userName: _dovecot.User), password ?? _dovecot.Password);
        return await _desk.SaveAsync(new JsonObject
        {
            ["name"] = "Orders by mail",
            ["trigger"] = new JsonObject
            {
                ["type"] = "email",
                ["email"] = new JsonObject { ["connection"] = "inbox", ["folder"] = folder, ["every"] = "00:00:10", ["markSeen"] = markSeen },
            },
            ["steps"] = new JsonArray { new JsonObject { ["id"] = "subject", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "${trigger.body.subject}" } } },
        });
    }

    /// <summary>One pass of the poller, then the clock moves on to the next poll.</summary>
    private async Task PollAsync()
    {
        await _desk.Get<TriggerPoller>().PollDueAsync(CancellationToken.None);
        _desk.Time.Advance(Every);
    }

    private async Task<List<AutomationDesk.Core.Execution.Execution>> RunsAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        var runs = await db.Executions.AsNoTracking().Where(e => e.WorkflowId == workflowId).ToListAsync();
        // Runs of one poll share the fake clock's instant: the message's UID says which came first.
        return runs.OrderBy(e => e.CreatedAt).ThenBy(e => (long?)JsonNode.Parse(e.TriggerInputJson)!["body"]!["uid"]).ToList();
    }

    private static List<string> Subjects(IEnumerable<AutomationDesk.Core.Execution.Execution> runs) =>
        runs.Select(r => (string)JsonNode.Parse(r.TriggerInputJson)!["body"]!["subject"]!).ToList();

    private static MimeMessage Mail(string subject, string text = "An order.", (string Name, byte[] Content)? attachment = null)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Shop", "orders@shop.test"));
        message.To.Add(MailboxAddress.Parse("desk@desk.test"));
        message.Cc.Add(MailboxAddress.Parse("books@desk.test"));
        message.Subject = subject;
        message.MessageId = $"{subject.Replace(' ', '-')}@shop.test";
        message.Date = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var body = new BodyBuilder { TextBody = text, HtmlBody = $"<p>{text}</p>" };
        if (attachment is { } file)
        {
            body.Attachments.Add(file.Name, file.Content, new ContentType("application", "pdf"));
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    private async Task<ImapClient> SignInAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _dovecot.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_dovecot.User, _dovecot.Password);
        return client;
    }

    [Fact]
    public async Task Three_new_messages_start_three_runs_with_their_mail_and_attachments_kept_as_artifacts()
    {
        var id = await SaveAsync();
        await _dovecot.AppendAsync(Mail("Before the trigger"));
        await PollAsync();
        byte[] pdf = [0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0xFE, 0xFF, 0x0D, 0x0A];

        await _dovecot.AppendAsync(Mail("Order 1", "First order.", ("order-1.pdf", pdf)));
        await _dovecot.AppendAsync(Mail("Order 2"));
        await _dovecot.AppendAsync(Mail("Order 3"));
        await PollAsync();
        await _desk.RunDueWorkAsync();

        var runs = await RunsAsync(id);
        Assert.Equal(["Order 1", "Order 2", "Order 3"], Subjects(runs));
        Assert.All(runs, r => Assert.Equal(TriggerTypes.Email, r.TriggerKind));
        Assert.All(runs, r => Assert.True(r.Status == ExecutionStatus.Succeeded, r.ErrorHuman));
        var body = JsonNode.Parse(runs[0].TriggerInputJson)!["body"]!;
        Assert.Equal("Order-1@shop.test", (string?)body["messageId"]);
        Assert.Equal("orders@shop.test", (string?)body["from"]);
        Assert.Equal("Shop", (string?)body["fromName"]);
        Assert.Equal("desk@desk.test", (string?)body["to"]![0]);
        Assert.Equal("books@desk.test", (string?)body["cc"]![0]);
        Assert.Equal("First order.", ((string?)body["text"])?.Trim());
        Assert.Contains("<p>First order.</p>", (string?)body["html"], StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero), body["date"]!.GetValue<DateTimeOffset>());
        var attachment = body["attachments"]!.AsArray().Single()!;
        Assert.Equal("order-1.pdf", (string?)attachment["name"]);
        Assert.Equal("application/pdf", (string?)attachment["contentType"]);
        Assert.Equal(pdf.Length, (long)attachment["size"]!);
        var store = _desk.Get<ArtifactStore>();
        var artifact = Assert.Single(await store.ListAsync(runs[0].Id, CancellationToken.None));
        Assert.Equal(attachment["artifactId"]!.GetValue<Guid>(), artifact.Id);
        Assert.Equal("order-1.pdf", artifact.Name);
        await using var content = store.Open(artifact)!;
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        Assert.Equal(pdf, copy.ToArray());
        Assert.Empty(body["attachments"]!.AsArray().Skip(1));
        Assert.Empty(JsonNode.Parse(runs[1].TriggerInputJson)!["body"]!["attachments"]!.AsArray());
    }

    [Fact]
    public async Task After_a_restart_no_message_is_taken_again_and_a_new_one_is_taken_once()
    {
        var id = await SaveAsync();
        await PollAsync();
        await _dovecot.AppendAsync(Mail("Order 1"));
        await _dovecot.AppendAsync(Mail("Order 2"));
        await _dovecot.AppendAsync(Mail("Order 3"));
        await PollAsync();

        _desk = await _desk.RestartAsync();
        await PollAsync();
        await _dovecot.AppendAsync(Mail("Order 4"));
        await PollAsync();
        await PollAsync();

        Assert.Equal(["Order 1", "Order 2", "Order 3", "Order 4"], Subjects(await RunsAsync(id)));
    }

    [Fact]
    public async Task Messages_renumbered_by_the_server_are_not_replayed_and_the_next_new_one_is_taken()
    {
        using (var client = await SignInAsync())
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Orders", true);
        }
        var id = await SaveAsync(folder: "Orders");
        await PollAsync();
        await AppendToAsync("Orders", Mail("Order 1"));
        await PollAsync();
        long before;
        await using (var db = _desk.NewDb())
        {
            before = (await db.TriggerPolls.SingleAsync(p => p.WorkflowId == id)).UidValidity!.Value;
        }

        using (var client = await SignInAsync())
        {
            await (await client.GetFolderAsync("Orders")).DeleteAsync();
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Orders", true);
        }
        await AppendToAsync("Orders", Mail("Old order, renumbered"));
        await PollAsync();
        await AppendToAsync("Orders", Mail("Order 2"));
        await PollAsync();

        Assert.Equal(["Order 1", "Order 2"], Subjects(await RunsAsync(id)));
        await using var check = _desk.NewDb();
        Assert.NotEqual(before, (await check.TriggerPolls.SingleAsync(p => p.WorkflowId == id)).UidValidity);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_taken_message_is_marked_seen_only_when_the_trigger_says_so(bool markSeen)
    {
        await SaveAsync(markSeen: markSeen);
        await PollAsync();
        await _dovecot.AppendAsync(Mail("Order 1"));

        await PollAsync();

        using var client = await SignInAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var flags = (await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags)).Single().Flags!.Value;
        Assert.Equal(markSeen, flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task A_refused_password_raises_one_notification_after_three_failed_polls_and_the_schedules_show_the_error()
    {
        var id = await SaveAsync(password: "not-the-password");

        await PollAsync();
        await PollAsync();
        Assert.Equal(0, await NotificationsAsync(id));
        await PollAsync();
        await PollAsync();

        Assert.Equal(1, await NotificationsAsync(id));
        var view = (await _desk.Get<ScheduleOverview>().GetAsync(id, CancellationToken.None))!;
        Assert.Equal(TriggerTypes.Email, view.Kind);
        Assert.Contains("did not accept the user name and password of the connection 'inbox'", view.Poll!.LastError, StringComparison.Ordinal);
        Assert.Equal(4, view.Poll.ConsecutiveFailures);
        Assert.Empty(await RunsAsync(id));
    }

    [Fact]
    public async Task A_trigger_that_recovers_and_fails_again_raises_a_second_notification()
    {
        var id = await SaveAsync();
        await PollAsync();
        await _dovecot.DisposeAsync();
        for (var i = 0; i < 3; i++)
        {
            await PollAsync();
        }
        Assert.Equal(1, await NotificationsAsync(id));
        _dovecot = await DovecotServer.StartAsync();
        await _desk.Get<AutomationDesk.Core.Connections.ConnectionStore>().UpdateAsync("inbox",
            new("inbox", "imap", MailConnections.Server(_dovecot.Port, userName: _dovecot.User), new Dictionary<string, string?> { ["password"] = _dovecot.Password }),
            MailConnections.Admin, CancellationToken.None);
        await PollAsync();
        Assert.Null((await _desk.Get<ScheduleOverview>().GetAsync(id, CancellationToken.None))!.Poll!.LastError);

        await _dovecot.DisposeAsync();
        for (var i = 0; i < 3; i++)
        {
            await PollAsync();
        }

        Assert.Equal(2, await NotificationsAsync(id));
        _dovecot = await DovecotServer.StartAsync();
    }

    [Fact]
    public async Task A_paused_trigger_does_not_poll_and_takes_what_came_once_resumed()
    {
        var id = await SaveAsync();
        await PollAsync();
        var actions = _desk.Get<ScheduleActions>();
        await actions.SetPausedAsync(id, true, MailConnections.Admin, CancellationToken.None);
        await _dovecot.AppendAsync(Mail("While paused"));

        await PollAsync();
        Assert.Empty(await RunsAsync(id));
        await actions.SetPausedAsync(id, false, MailConnections.Admin, CancellationToken.None);
        await PollAsync();

        Assert.Equal(["While paused"], Subjects(await RunsAsync(id)));
    }

    private async Task<int> NotificationsAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        return await db.Notifications.CountAsync(n => n.WorkflowId == workflowId);
    }

    private async Task AppendToAsync(string folder, MimeMessage message)
    {
        using var client = await SignInAsync();
        await (await client.GetFolderAsync(folder)).AppendAsync(new AppendRequest(message));
        await client.DisconnectAsync(true);
    }
}
