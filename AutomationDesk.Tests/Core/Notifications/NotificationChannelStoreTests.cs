using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AutomationDesk.Tests.Core.Notifications;

/// <summary>Channels keep their URLs encrypted, show them masked, check what they are given and belong to one person.</summary>
public sealed class NotificationChannelStoreTests : IAsyncLifetime
{
    private const string SlackUrl = "https://hooks.slack.com/services/T0001/B0002/SecretPartOfTheUrl";

    private CoreDesk _desk = null!;
    private string _user = "";

    private NotificationChannelStore Store => _desk.Get<NotificationChannelStore>();

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _user = await _desk.AddUserAsync("ops@desk.test");
    }

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task Channel_URL_is_stored_encrypted_and_shown_masked()
    {
        var view = await _desk.AddChannelAsync(_user, new("Ops Slack", ChannelKind.Slack, Url: SlackUrl));

        Assert.Equal("https://hooks.slack.com/***", view.Target);
        await using (var connection = new SqliteConnection($"Data Source={_desk.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT * FROM NotificationChannels";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var row = string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i))));
            Assert.DoesNotContain("SecretPartOfTheUrl", row, StringComparison.Ordinal);
            Assert.DoesNotContain("/services/", row, StringComparison.Ordinal);
        }
        await using var db = _desk.NewDb();
        Assert.Equal(SlackUrl, Store.TargetOf(db.NotificationChannels.Single()).Url);
    }

    [Fact]
    public async Task Channel_update_keeps_the_URL_and_secret_when_they_are_left_out_or_masked()
    {
        var view = await _desk.AddChannelAsync(_user, new("Hook", ChannelKind.Webhook, Url: SlackUrl, SigningSecret: "sixteen-chars-or-more"));

        var changed = await Store.UpdateAsync(_user, view.Id, new("Hook renamed", null, Url: "***", MinPriority: NotificationPriority.High), Actor.System, CancellationToken.None);

        Assert.Equal(("Hook renamed", NotificationPriority.High, true), (changed!.Name, changed.MinPriority, changed.SigningSecretSet));
        await using var db = _desk.NewDb();
        var target = Store.TargetOf(db.NotificationChannels.Single());
        Assert.Equal((SlackUrl, "sixteen-chars-or-more"), (target.Url, target.SigningSecret));

        var cleared = await Store.UpdateAsync(_user, view.Id, new("Hook renamed", null, ClearSigningSecret: true), Actor.System, CancellationToken.None);
        Assert.False(cleared!.SigningSecretSet);
    }

    [Theory]
    [InlineData(ChannelKind.Slack, "", null, "url")]
    [InlineData(ChannelKind.Slack, "ftp://example.com/x", null, "url")]
    [InlineData(ChannelKind.Slack, "not a url", null, "url")]
    [InlineData(ChannelKind.Email, null, "not-an-address", "address")]
    [InlineData(ChannelKind.Email, "https://example.com/x", "ops@example.com", "url")]
    [InlineData(ChannelKind.Discord, "https://discord.com/api/webhooks/1/x", "ops@example.com", "address")]
    public async Task Channel_validation_names_the_field(ChannelKind kind, string? url, string? address, string field)
    {
        var problem = await Assert.ThrowsAsync<DeskProblemException>(() => _desk.AddChannelAsync(_user, new("A channel", kind, Url: url, Address: address)));

        Assert.Equal(ProblemKind.Invalid, problem.Kind);
        Assert.Contains(field, problem.Errors!.Keys);
    }

    [Fact]
    public async Task Channel_validation_refuses_a_missing_connection_a_short_secret_and_a_taken_name()
    {
        await _desk.AddChannelAsync(_user, new("Taken", ChannelKind.Slack, Url: SlackUrl));

        var connection = await Assert.ThrowsAsync<DeskProblemException>(() => _desk.AddChannelAsync(_user, new("Mail", ChannelKind.Email, Address: "a@example.com", Connection: "nope")));
        var secret = await Assert.ThrowsAsync<DeskProblemException>(() => _desk.AddChannelAsync(_user, new("Hook", ChannelKind.Webhook, Url: SlackUrl, SigningSecret: "short")));
        var slackSecret = await Assert.ThrowsAsync<DeskProblemException>(() => _desk.AddChannelAsync(_user, new("Slack 2", ChannelKind.Slack, Url: SlackUrl, SigningSecret: "sixteen-chars-or-more")));
        var name = await Assert.ThrowsAsync<DeskProblemException>(() => _desk.AddChannelAsync(_user, new("Taken", ChannelKind.Slack, Url: SlackUrl)));
        var kind = await Assert.ThrowsAsync<DeskProblemException>(() => _desk.AddChannelAsync(_user, new("No kind", null, Url: SlackUrl)));

        Assert.Contains("no connection named 'nope'", connection.Errors!["connection"][0], StringComparison.Ordinal);
        Assert.Contains("signingSecret", secret.Errors!.Keys);
        Assert.Contains("signingSecret", slackSecret.Errors!.Keys);
        Assert.Contains("already have a channel named 'Taken'", name.Errors!["name"][0], StringComparison.Ordinal);
        Assert.Contains("kind", kind.Errors!.Keys);
    }

    [Fact]
    public async Task Channel_of_one_person_is_not_seen_changed_or_deleted_by_another()
    {
        var other = await _desk.AddUserAsync("other@desk.test");
        var mine = await _desk.AddChannelAsync(_user, new("Mine", ChannelKind.Slack, Url: SlackUrl));
        // Another person may use the same name for their own channel.
        await _desk.AddChannelAsync(other, new("Mine", ChannelKind.Slack, Url: SlackUrl));

        Assert.Null(await Store.GetAsync(other, mine.Id, CancellationToken.None));
        Assert.Null(await Store.UpdateAsync(other, mine.Id, new("Taken over", ChannelKind.Slack), Actor.System, CancellationToken.None));
        Assert.False(await Store.DeleteAsync(other, mine.Id, Actor.System, CancellationToken.None));
        Assert.Equal([mine.Id], (await Store.ListAsync(_user, CancellationToken.None)).Select(c => c.Id));
        Assert.Equal("Mine", (await Store.GetAsync(_user, mine.Id, CancellationToken.None))!.Name);
    }

    [Fact]
    public async Task Channel_keeps_its_kind_on_update()
    {
        var view = await _desk.AddChannelAsync(_user, new("Slack", ChannelKind.Slack, Url: SlackUrl));

        var problem = await Assert.ThrowsAsync<DeskProblemException>(() => Store.UpdateAsync(_user, view.Id, new("Slack", ChannelKind.Discord), Actor.System, CancellationToken.None));

        Assert.Contains("kind", problem.Errors!.Keys);
    }
}
