using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class InboxStoreTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private static readonly Actor Admin = Actor.User("admin@desk.test");
    private readonly CoreDesk _desk = fixture.Desk;

    private InboxStore Inbox => _desk.Get<InboxStore>();

    [Fact]
    public async Task The_n8n_preset_signs_with_x_signature_256_and_reads_the_event_from_the_body()
    {
        var source = await Inbox.CreateSourceAsync(new InboxSourceInput(Unique(), "n8n", "s3cret"), Admin, CancellationToken.None);

        Assert.Equal(("hmac-sha256", "X-Signature-256", null, "event"), (source.SignatureScheme, source.SignatureHeader, source.EventTypeHeader, source.EventTypePath));
        Assert.Equal("body event", source.EventTypeFrom);
        Assert.True(source.SecretSet);
        Assert.Null(source.SecretReference);
    }

    [Fact]
    public async Task An_empty_header_means_none_and_an_empty_secret_removes_it()
    {
        var name = Unique();
        await Inbox.CreateSourceAsync(new InboxSourceInput(name, "github", "s3cret"), Admin, CancellationToken.None);

        var updated = await Inbox.UpdateSourceAsync(name, new InboxSourceInput(null, "github", "", EventTypeHeader: "", EventTypePath: "action"), Admin, CancellationToken.None);

        Assert.Null(updated!.EventTypeHeader);
        Assert.Equal("body action", updated.EventTypeFrom);
        Assert.False(updated.SecretSet);
    }

    [Theory]
    [InlineData("a name", null, null, null, null, "name")]
    [InlineData("UPPER", null, null, null, null, "name")]
    [InlineData(null, "zapier", null, null, null, "preset")]
    [InlineData(null, null, "sha1", null, null, "signatureScheme")]
    [InlineData(null, null, "none", "s3cret", null, "secret")]
    [InlineData(null, null, null, "${secrets.}", null, "secret")]
    [InlineData(null, null, null, "prefix ${secrets.x}", null, "secret")]
    [InlineData(null, null, null, null, "bad header:", "signatureHeader")]
    public async Task A_bad_source_is_refused_naming_the_field(string? name, string? preset, string? scheme, string? secret, string? header, string field)
    {
        var input = new InboxSourceInput(name ?? Unique(), preset, secret, scheme, header);

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() => Inbox.CreateSourceAsync(input, Admin, CancellationToken.None));

        Assert.Equal(ProblemKind.Invalid, refused.Kind);
        Assert.Contains(field, refused.Errors!.Keys);
        Assert.DoesNotContain(await Inbox.ListSourcesAsync(CancellationToken.None), s => s.Name == input.Name);
    }

    [Fact]
    public async Task A_bad_event_type_path_is_refused()
    {
        var refused = await Assert.ThrowsAsync<DeskProblemException>(() =>
            Inbox.CreateSourceAsync(new InboxSourceInput(Unique(), EventTypePath: "$.data[0]"), Admin, CancellationToken.None));

        Assert.Contains("eventTypePath", refused.Errors!.Keys);
    }

    [Fact]
    public async Task A_source_cannot_be_renamed()
    {
        var name = Unique();
        await Inbox.CreateSourceAsync(new InboxSourceInput(name), Admin, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() => Inbox.UpdateSourceAsync(name, new InboxSourceInput("other-name"), Admin, CancellationToken.None));

        Assert.Contains("name", refused.Errors!.Keys);
    }

    [Theory]
    [InlineData("{ not json", "condition")]
    [InlineData("{\"left\":\"${trigger.body.a}\",\"operator\":\"eq\"}", "condition.right")]
    [InlineData("\"${steps.x.output}\"", "condition")]
    [InlineData("42", "condition")]
    public async Task A_rule_condition_is_checked_like_a_steps_when(string condition, string field)
    {
        var source = Unique();
        await Inbox.CreateSourceAsync(new InboxSourceInput(source), Admin, CancellationToken.None);
        var workflow = await _desk.SaveAsync(Workflow(Transform("x", "x")));

        var refused = await Assert.ThrowsAsync<DeskProblemException>(() =>
            Inbox.CreateRuleAsync(new InboxRuleInput(source, "*", condition, workflow), Admin, CancellationToken.None));

        Assert.Contains(field, refused.Errors!.Keys);
    }

    [Fact]
    public async Task A_rule_with_a_template_condition_is_saved_and_audited()
    {
        var source = Unique();
        await Inbox.CreateSourceAsync(new InboxSourceInput(source), Admin, CancellationToken.None);
        var workflow = await _desk.SaveAsync(Workflow("Routed to", Transform("x", "x")));

        var rule = await Inbox.CreateRuleAsync(new InboxRuleInput(source, null, "\"${trigger.body.urgent}\"", workflow), Admin, CancellationToken.None);

        Assert.Equal("*", rule.EventType);
        Assert.Equal("${trigger.body.urgent}", rule.Condition!.GetValue<string>());
        Assert.Equal("Routed to", rule.WorkflowName);
        await using var db = _desk.NewDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "inbox.rule.create" && a.Target == $"inbox-rule:{rule.Id}" && a.Actor == Admin.Name));
    }

    [Fact]
    public async Task A_rule_names_a_source_and_a_workflow_that_exist()
    {
        var refused = await Assert.ThrowsAsync<DeskProblemException>(() =>
            Inbox.CreateRuleAsync(new InboxRuleInput("missing-source", "push", null, Guid.CreateVersion7()), Admin, CancellationToken.None));

        Assert.Contains("source", refused.Errors!.Keys);
        Assert.Contains("workflowId", refused.Errors!.Keys);
    }

    private static string Unique() => $"src-{Guid.NewGuid():N}"[..16];
}
