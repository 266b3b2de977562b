using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class InboxReceiverTests(DeskApp desk)
{
    private const string Secret = "inbox-secret";

    /// <summary>Sources and rules are written straight to the tables: their admin API is not part of the receiver.</summary>
    private async Task<string> AddSourceAsync(string preset, Action<InboxSource>? configure = null)
    {
        var source = new InboxSource
        {
            Id = Guid.CreateVersion7(),
            Name = $"{preset}-{Guid.NewGuid():N}",
            Preset = preset,
            Secret = Secret,
            SignatureScheme = "hmac-sha256",
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        configure?.Invoke(source);
        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        db.InboxSources.Add(source);
        await db.SaveChangesAsync();
        return source.Name;
    }

    private async Task<Guid> AddRuleAsync(string source, string eventType, JsonNode? condition = null)
    {
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Webhooks.Echo()))["id"]);
        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        db.InboxRules.Add(new InboxRule
        {
            Id = Guid.CreateVersion7(),
            Source = source,
            EventType = eventType,
            ConditionJson = condition?.ToJsonString(),
            WorkflowId = workflowId,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return workflowId;
    }

    private Task<HttpResponseMessage> PostGitHubAsync(string source, string eventName, string body, string secret = Secret) =>
        Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", body, headers: new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = eventName,
            ["X-Hub-Signature-256"] = WebhookSigning.GitHub(secret, body),
        });

    [Fact]
    public async Task Every_workflow_whose_rule_matches_the_event_type_runs_once()
    {
        var source = await AddSourceAsync("github");
        var onPush = await AddRuleAsync(source, "push");
        var onAnything = await AddRuleAsync(source, "*");
        var onIssues = await AddRuleAsync(source, "issues");

        using var response = await PostGitHubAsync(source, "push", """{"ref":"refs/heads/main"}""");

        var answer = await response.JsonAsync(HttpStatusCode.Accepted);
        var eventId = ApiAnswers.V7(answer["eventId"]);
        var started = answer["executions"]!.AsArray().Select(e => Guid.Parse((string)e!["workflowId"]!)).ToList();
        Assert.Equal([onPush, onAnything], started);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, onIssues));
        var run = await RunsApi.WaitForStatusAsync(desk.Viewer, Guid.Parse((string)answer["executions"]![0]!["executionId"]!), "Succeeded");
        Assert.Equal("refs/heads/main", (string)run["output"]!["body"]!["ref"]!);
        Assert.Equal("push", (string)run["trigger"]!["input"]!["eventType"]!);
        var stored = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{eventId}");
        Assert.Equal(source, (string)stored["inboxSource"]!);
        Assert.Equal("push", (string)stored["eventType"]!);
        Assert.Equal(2, stored["executionIds"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_rule_whose_condition_is_false_starts_nothing()
    {
        var source = await AddSourceAsync("github");
        var mainOnly = await AddRuleAsync(source, "push", new JsonObject { ["left"] = "${trigger.body.ref}", ["operator"] = "eq", ["right"] = "refs/heads/main" });
        var bigOnly = await AddRuleAsync(source, "push", "${trigger.body.big}");

        using var response = await PostGitHubAsync(source, "push", """{"ref":"refs/heads/feature","big":false}""");

        var answer = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Empty(answer["executions"]!.AsArray());
        Assert.Empty(await Webhooks.RunsOfAsync(desk, mainOnly));
        Assert.Empty(await Webhooks.RunsOfAsync(desk, bigOnly));
    }

    [Fact]
    public async Task A_github_request_with_a_bad_signature_is_401_and_starts_nothing()
    {
        var source = await AddSourceAsync("github");
        var workflowId = await AddRuleAsync(source, "*");

        using var response = await PostGitHubAsync(source, "push", """{"ref":"x"}""", secret: "not-the-secret");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, workflowId));
        var logged = Assert.Single(await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?source={source}"))!;
        Assert.Equal("refused", (string)logged["status"]!);
    }

    [Fact]
    public async Task A_custom_source_signs_with_X_Signature_256_and_names_its_event_in_the_body()
    {
        var source = await AddSourceAsync("custom", s => s.EventTypePath = "$.event.name");
        var workflowId = await AddRuleAsync(source, "order.paid");
        const string body = """{"event":{"name":"order.paid"},"order":7}""";

        using var signed = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", body,
            headers: new Dictionary<string, string> { ["X-Signature-256"] = WebhookSigning.GitHub(Secret, body) });
        using var unsigned = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", body);

        var answer = await signed.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(workflowId, Guid.Parse((string)Assert.Single(answer["executions"]!.AsArray())!["workflowId"]!));
        await unsigned.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unsigned_source_without_an_event_setting_files_everything_as_custom()
    {
        var source = await AddSourceAsync("n8n", s => (s.Secret, s.SignatureScheme) = ("", "none"));
        var workflowId = await AddRuleAsync(source, "custom");

        using var response = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", "plain text", "text/plain");

        var answer = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Single(answer["executions"]!.AsArray());
        Assert.Single(await Webhooks.RunsOfAsync(desk, workflowId));
    }

    [Fact]
    public async Task Unknown_and_disabled_sources_answer_404()
    {
        var disabled = await AddSourceAsync("custom", s => s.Enabled = false);

        using var unknown = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/nobody-{Guid.NewGuid():N}", "{}");
        using var off = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{disabled}", "{}");

        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        await off.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Replaying_an_inbox_event_starts_the_workflows_whose_rules_match_now()
    {
        var source = await AddSourceAsync("github");
        var first = await AddRuleAsync(source, "push");
        using var response = await PostGitHubAsync(source, "push", """{"ref":"r"}""");
        var eventId = (string)(await response.JsonAsync(HttpStatusCode.Accepted))["eventId"]!;
        var later = await AddRuleAsync(source, "push");

        using var replay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{eventId}/replay", null);

        var replayed = await replay.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal([first, later], replayed["runs"]!.AsArray().Select(r => Guid.Parse((string)r!["workflowId"]!)));
        Assert.Equal(2, (await Webhooks.RunsOfAsync(desk, first)).Count);
        Assert.Single(await Webhooks.RunsOfAsync(desk, later));
    }

    [Fact]
    public async Task A_refused_inbox_request_replayed_by_a_person_is_routed_by_its_event_type()
    {
        var source = await AddSourceAsync("github");
        var onRelease = await AddRuleAsync(source, "release");
        var onOther = await AddRuleAsync(source, "push");
        using (var refused = await PostGitHubAsync(source, "release", """{"tag":"v1"}""", secret: "rotated-away"))
        {
            await refused.ProblemAsync(HttpStatusCode.Unauthorized);
        }
        var eventId = (string)Assert.Single(await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?source={source}&status=refused"))!["id"]!;
        using (var unconfirmed = await desk.Editor.PostAsync($"/api/v1/webhook-events/{eventId}/replay", null))
        {
            await unconfirmed.ProblemAsync(HttpStatusCode.Conflict);
        }

        using var replay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{eventId}/replay?confirm=true", null);

        var replayed = await replay.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(onRelease, Guid.Parse((string)Assert.Single(replayed["runs"]!.AsArray())!["workflowId"]!));
        Assert.Empty(await Webhooks.RunsOfAsync(desk, onOther));
    }

    [Fact]
    public async Task A_github_delivery_posted_again_answers_that_it_is_a_duplicate_and_starts_nothing()
    {
        var source = await AddSourceAsync("github", s => s.DedupHeader = "X-GitHub-Delivery");
        var workflowId = await AddRuleAsync(source, "push");
        const string body = """{"ref":"refs/heads/main"}""";
        var headers = new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = "push",
            ["X-GitHub-Delivery"] = Guid.NewGuid().ToString(),
            ["X-Hub-Signature-256"] = WebhookSigning.GitHub(Secret, body),
        };
        using var first = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", body, headers: headers);
        var firstEvent = (string)(await first.JsonAsync(HttpStatusCode.Accepted))["eventId"]!;

        using var again = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", body, headers: headers);

        var answer = await again.JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)answer["duplicate"]!);
        Assert.Equal(firstEvent, (string)answer["duplicateOf"]!);
        Assert.Empty(answer["executions"]!.AsArray());
        Assert.Contains(firstEvent, (string)answer["detail"]!, StringComparison.Ordinal);
        Assert.Single(await Webhooks.RunsOfAsync(desk, workflowId));
        var duplicate = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{(string)answer["eventId"]!}");
        Assert.Equal("duplicate", (string)duplicate["status"]!);
    }
}
