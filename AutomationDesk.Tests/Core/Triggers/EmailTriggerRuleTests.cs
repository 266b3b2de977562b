using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Core.Connections;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Triggers;

/// <summary>What an email trigger must say to be saved, and that its connection counts as one the workflow names.</summary>
public sealed class EmailTriggerRuleTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static JsonObject Definition(JsonObject email) => new()
    {
        ["name"] = "Mail in",
        ["trigger"] = new JsonObject { ["type"] = "email", ["email"] = email },
        ["steps"] = new JsonArray { new JsonObject { ["id"] = "say", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "hi" } } },
    };

    private async Task<IReadOnlyDictionary<string, string[]>> RefusedAsync(JsonObject email) =>
        (await Assert.ThrowsAsync<WorkflowValidationException>(() => _desk.SaveAsync(Definition(email)))).Errors;

    [Theory]
    [InlineData("", "Required")]
    [InlineData("${vars.inbox}", "not with a template")]
    public async Task An_email_trigger_names_its_connection_as_it_is(string connection, string says)
    {
        var errors = await RefusedAsync(new JsonObject { ["connection"] = connection });

        Assert.Contains(says, Assert.Single(errors["trigger.email.connection"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:09")]
    [InlineData("1.00:00:01")]
    public async Task An_email_trigger_polls_between_ten_seconds_and_a_day(string every)
    {
        var errors = await RefusedAsync(new JsonObject { ["connection"] = "inbox", ["every"] = every });

        Assert.Equal(["Between 10 seconds and 1 day."], errors["trigger.email.every"]);
    }

    [Fact]
    public async Task An_email_trigger_folder_is_one_to_two_hundred_characters()
    {
        var errors = await RefusedAsync(new JsonObject { ["connection"] = "inbox", ["folder"] = new string('f', 201) });

        Assert.True(errors.ContainsKey("trigger.email.folder"));
    }

    [Fact]
    public async Task A_connection_of_another_type_is_refused_at_save()
    {
        var smtp = MailConnections.Server(2525);
        smtp["from"] = "desk@desk.test";
        await _desk.CreateAsync("outbox", "smtp", smtp);

        var errors = await RefusedAsync(new JsonObject { ["connection"] = "outbox" });

        Assert.Equal(["'outbox' is a smtp connection: an email trigger reads an imap connection."], errors["trigger.email.connection"]);
    }

    [Fact]
    public async Task A_connection_not_made_yet_may_be_named_and_counts_as_used_by_the_workflow()
    {
        await _desk.SaveAsync(Definition(new JsonObject { ["connection"] = "inbox" }));
        await _desk.CreateAsync("inbox", "imap", MailConnections.Server(143, userName: "desk"), "secret-password");

        Assert.Equal(["Mail in"], await _desk.Get<ConnectionStore>().UsedByAsync("inbox", CancellationToken.None));
        Assert.Contains("inbox", ConnectionNames.In(Definition(new JsonObject { ["connection"] = "inbox" })));
    }

    [Fact]
    public async Task Only_an_email_trigger_has_email_settings()
    {
        var definition = Definition(new JsonObject { ["connection"] = "inbox" });
        definition["trigger"]!["type"] = "manual";

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => _desk.SaveAsync(definition));

        Assert.Equal(["Only a 'email' trigger has 'email' settings."], error.Errors["trigger.email"]);
    }
}
