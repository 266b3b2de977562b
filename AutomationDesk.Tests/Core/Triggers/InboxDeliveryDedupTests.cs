using System.Text;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class InboxDeliveryDedupTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private const string Secret = "dedup-secret-1";
    private const string Body = """{"ref":"refs/heads/main","id":"body-7"}""";
    private static readonly Actor Admin = Actor.User("admin@desk.test");
    private readonly CoreDesk _desk = fixture.Desk;

    private InboxRouter Router => _desk.Get<InboxRouter>();

    /// <summary>A GitHub source (its preset reads X-GitHub-Delivery) with one rule that starts a workflow on push.</summary>
    private async Task<(string Source, Guid WorkflowId)> GitHubSourceAsync(InboxSourceInput? input = null)
    {
        var name = $"gh-{Guid.NewGuid():N}"[..16];
        await _desk.Get<InboxStore>().CreateSourceAsync((input ?? new InboxSourceInput(null, "github", Secret)) with { Name = name }, Admin, CancellationToken.None);
        var workflowId = await _desk.SaveAsync(Workflow(Transform("x", "${trigger.body.ref}")));
        await _desk.Get<InboxStore>().CreateRuleAsync(new InboxRuleInput(name, "push", null, workflowId), Admin, CancellationToken.None);
        return (name, workflowId);
    }

    private static WebhookRequest Push(string? delivery, string body = Body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-GitHub-Event"] = "push",
            ["X-Hub-Signature-256"] = WebhookSigning.GitHub(Secret, body),
        };
        if (delivery is not null)
        {
            headers["X-GitHub-Delivery"] = delivery;
        }
        return new WebhookRequest("POST", "application/json", headers, new Dictionary<string, IReadOnlyList<string>>(), Encoding.UTF8.GetBytes(body));
    }

    private Task<InboxOutcome> ReceiveAsync(string source, WebhookRequest request) =>
        Router.ReceiveAsync(source, request, request.Body.Length, CancellationToken.None);

    private async Task<int> RunsOfAsync(Guid workflowId)
    {
        await using var db = _desk.NewDb();
        return await db.Executions.CountAsync(e => e.WorkflowId == workflowId);
    }

    [Fact]
    public async Task The_same_github_delivery_posted_twice_starts_its_runs_once_and_is_recorded_as_a_duplicate()
    {
        var (source, workflowId) = await GitHubSourceAsync();
        var delivery = Guid.NewGuid().ToString();

        var first = await ReceiveAsync(source, Push(delivery));
        var second = await ReceiveAsync(source, Push(delivery));

        Assert.Equal(202, first.StatusCode);
        Assert.Single(first.Runs);
        Assert.Equal(200, second.StatusCode);
        Assert.Empty(second.Runs);
        Assert.Equal(first.EventId, second.DuplicateOf);
        Assert.Equal(1, await RunsOfAsync(workflowId));
        await using var db = _desk.NewDb();
        var stored = await db.WebhookEvents.AsNoTracking().SingleAsync(e => e.Id == second.EventId);
        Assert.Equal((WebhookEventStatuses.Duplicate, 200, delivery), (stored.Status, stored.StatusCode, stored.IdempotencyKey));
        Assert.Contains(first.EventId.ToString(), stored.Reason, StringComparison.Ordinal);
        Assert.Empty(stored.ExecutionIds);
    }

    [Fact]
    public async Task A_delivery_whose_runs_could_not_start_is_not_taken_for_a_repeat_when_it_comes_again()
    {
        var (source, workflowId) = await GitHubSourceAsync();
        var delivery = Guid.NewGuid().ToString();
        // A real fault below the router: the database refuses this workflow's runs (the id is a Guid, not outside text).
        var refuse = $"""
            CREATE TRIGGER refuse_runs_{workflowId:N} BEFORE INSERT ON Executions WHEN upper(NEW.WorkflowId) = upper('{workflowId}')
            BEGIN SELECT RAISE(ABORT, 'no runs now'); END;
            """;
        var allow = $"DROP TRIGGER refuse_runs_{workflowId:N}";
        await using (var db = _desk.NewDb())
        {
            await db.Database.ExecuteSqlRawAsync(refuse);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => ReceiveAsync(source, Push(delivery)));
        await using (var db = _desk.NewDb())
        {
            await db.Database.ExecuteSqlRawAsync(allow);
        }
        var again = await ReceiveAsync(source, Push(delivery));

        Assert.Equal(202, again.StatusCode);
        Assert.Single(again.Runs);
        Assert.Equal(1, await RunsOfAsync(workflowId));
    }

    [Fact]
    public async Task Different_delivery_ids_each_start_their_runs()
    {
        var (source, workflowId) = await GitHubSourceAsync();

        var first = await ReceiveAsync(source, Push("delivery-a"));
        var second = await ReceiveAsync(source, Push("delivery-b"));

        Assert.Equal((202, 202), (first.StatusCode, second.StatusCode));
        Assert.Null(second.DuplicateOf);
        Assert.Equal(2, await RunsOfAsync(workflowId));
    }

    [Fact]
    public async Task A_delivery_without_an_id_is_not_deduplicated()
    {
        var (source, workflowId) = await GitHubSourceAsync();

        await ReceiveAsync(source, Push(null));
        await ReceiveAsync(source, Push(null));

        Assert.Equal(2, await RunsOfAsync(workflowId));
    }

    [Fact]
    public async Task A_delivery_repeated_after_24_hours_starts_its_runs_again()
    {
        var (source, workflowId) = await GitHubSourceAsync();
        var delivery = Guid.NewGuid().ToString();
        await ReceiveAsync(source, Push(delivery));
        _desk.Time.Advance(TimeSpan.FromHours(23));
        var withinWindow = await ReceiveAsync(source, Push(delivery));

        _desk.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var afterWindow = await ReceiveAsync(source, Push(delivery));

        Assert.Equal(200, withinWindow.StatusCode);
        Assert.Equal(202, afterWindow.StatusCode);
        Assert.Single(afterWindow.Runs);
        Assert.Equal(2, await RunsOfAsync(workflowId));
    }

    [Fact]
    public async Task Identical_deliveries_that_arrive_together_start_the_runs_once()
    {
        var (source, workflowId) = await GitHubSourceAsync();
        var delivery = Guid.NewGuid().ToString();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => ReceiveAsync(source, Push(delivery)))));

        Assert.Single(outcomes, o => o.StatusCode == 202);
        Assert.Equal(5, outcomes.Count(o => o.StatusCode == 200 && o.DuplicateOf is not null));
        Assert.Equal(1, await RunsOfAsync(workflowId));
    }

    [Fact]
    public async Task A_source_can_name_its_delivery_id_by_a_body_path()
    {
        var (source, workflowId) = await GitHubSourceAsync(new InboxSourceInput(null, "github", Secret) { DedupHeader = "", DedupPath = "id" });

        var first = await ReceiveAsync(source, Push("header-ignored-1"));
        var second = await ReceiveAsync(source, Push("header-ignored-2"));
        var other = await ReceiveAsync(source, Push("header-ignored-3", Body.Replace("body-7", "body-8", StringComparison.Ordinal)));

        Assert.Equal((202, 200, 202), (first.StatusCode, second.StatusCode, other.StatusCode));
        Assert.Equal(2, await RunsOfAsync(workflowId));
    }

    [Fact]
    public async Task The_github_preset_reads_x_github_delivery_and_a_bad_dedup_setting_is_refused_naming_its_field()
    {
        var store = _desk.Get<InboxStore>();

        var github = await store.CreateSourceAsync(new InboxSourceInput($"gh-{Guid.NewGuid():N}"[..16], "github", Secret), Admin, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<AutomationDesk.Core.DeskProblemException>(() => store.CreateSourceAsync(
            new InboxSourceInput($"cu-{Guid.NewGuid():N}"[..16]) { DedupHeader = "bad header:", DedupPath = "$.x[0]" }, Admin, CancellationToken.None));

        Assert.Equal("X-GitHub-Delivery", github.DedupHeader);
        Assert.Contains("dedupHeader", refused.Errors!.Keys);
        Assert.Contains("dedupPath", refused.Errors!.Keys);
    }
}
