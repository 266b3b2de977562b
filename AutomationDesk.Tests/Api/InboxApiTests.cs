using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>Inbox sources, routing rules and received events through <c>/api/v1/inbox</c>.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class InboxApiTests(DeskApp desk)
{
    [Fact]
    public async Task An_admin_creates_a_github_source_and_its_secret_is_never_answered()
    {
        var name = UniqueSource();
        using var create = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name, preset = "github", secret = "gh-webhook-secret" });

        var created = await create.JsonAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/inbox/sources/{name}", create.Headers.Location?.OriginalString);
        ApiAnswers.V7(created["id"]);
        Assert.Equal("hmac-sha256", (string?)created["signatureScheme"]);
        Assert.Equal("X-Hub-Signature-256", (string?)created["signatureHeader"]);
        Assert.Equal("X-GitHub-Event", (string?)created["eventTypeHeader"]);
        Assert.Equal($"/api/webhooks/inbox/{name}", (string?)created["receiverPath"]);
        Assert.True((bool)created["secretSet"]!);
        var read = await desk.Viewer.GetJsonAsync($"/api/v1/inbox/sources/{name}");
        var listed = await desk.Viewer.GetPageAsync($"/api/v1/inbox/sources?q={name}");
        Assert.Single(listed);
        Assert.All(new[] { created, read, listed[0]!.AsObject() }, body => Assert.DoesNotContain("gh-webhook-secret", body.ToJsonString(), StringComparison.Ordinal));
        await using var db = desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContext();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == "inbox.source.create" && a.Target == $"inbox-source:{name}"));
        Assert.DoesNotContain(await db.AuditEvents.Where(a => a.Target == $"inbox-source:{name}").Select(a => a.DetailsJson).ToListAsync(),
            details => details!.Contains("gh-webhook-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_secret_reference_is_shown_as_written_and_a_put_without_secret_keeps_it()
    {
        var name = UniqueSource();
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name, preset = "n8n", secret = "${secrets.n8n_hook}" }, HttpStatusCode.Created);

        using var update = await desk.Admin.PutAsJsonAsync($"/api/v1/inbox/sources/{name}", new { preset = "n8n", eventTypePath = "data.kind", enabled = false });

        var updated = await update.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("${secrets.n8n_hook}", (string?)updated["secretReference"]);
        Assert.Equal("data.kind", (string?)updated["eventTypePath"]);
        Assert.Equal("X-Signature-256", (string?)updated["signatureHeader"]);
        Assert.False((bool)updated["enabled"]!);
    }

    [Fact]
    public async Task Bad_source_settings_are_refused_naming_the_field()
    {
        using var badName = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name = "Has Spaces" });
        await badName.ProblemAsync(HttpStatusCode.BadRequest, "name");
        using var badScheme = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name = UniqueSource(), signatureScheme = "md5" });
        await badScheme.ProblemAsync(HttpStatusCode.BadRequest, "signatureScheme");
        using var badPreset = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name = UniqueSource(), preset = "gitlab" });
        await badPreset.ProblemAsync(HttpStatusCode.BadRequest, "preset");
        var name = UniqueSource();
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name }, HttpStatusCode.Created);
        using var twice = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name });
        await twice.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Only_an_admin_changes_sources_and_rules()
    {
        var name = UniqueSource();
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name }, HttpStatusCode.Created);

        using var create = await desk.Editor.PostAsJsonAsync("/api/v1/inbox/sources", new { name = UniqueSource() });
        using var update = await desk.Editor.PutAsJsonAsync($"/api/v1/inbox/sources/{name}", new { enabled = false });
        using var delete = await desk.Editor.DeleteAsync($"/api/v1/inbox/sources/{name}");
        using var rule = await desk.Editor.PostAsJsonAsync("/api/v1/inbox/rules", new { source = name });
        using var read = await desk.Viewer.GetAsync($"/api/v1/inbox/sources/{name}");

        Assert.All(new[] { create, update, delete, rule }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Unknown_sources_and_rules_are_not_found()
    {
        using var source = await desk.Viewer.GetAsync("/api/v1/inbox/sources/no-such-source");
        await source.ProblemAsync(HttpStatusCode.NotFound);
        using var update = await desk.Admin.PutAsJsonAsync("/api/v1/inbox/sources/no-such-source", new { enabled = false });
        await update.ProblemAsync(HttpStatusCode.NotFound);
        using var rule = await desk.Admin.PutAsJsonAsync($"/api/v1/inbox/rules/{Guid.CreateVersion7()}", new { source = "x" });
        await rule.ProblemAsync(HttpStatusCode.NotFound);
        using var delete = await desk.Admin.DeleteAsync($"/api/v1/inbox/rules/{Guid.CreateVersion7()}");
        await delete.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rule_routes_a_source_to_a_workflow_with_a_condition_and_is_refused_when_it_names_what_does_not_exist()
    {
        var name = UniqueSource();
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name, preset = "github" }, HttpStatusCode.Created);
        var workflow = await Workflows.CreateAsync(desk.Admin, Workflows.SaveCustomer(Workflows.UniqueName("Routed"), "routed"));
        var condition = new JsonObject { ["left"] = "${trigger.body.action}", ["operator"] = "eq", ["right"] = "opened" };

        using var create = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/rules", new { source = name, eventType = "pull_request", condition, workflowId = (string)workflow["id"]! });
        var rule = await create.JsonAsync(HttpStatusCode.Created);
        var id = ApiAnswers.V7(rule["id"]);
        Assert.Equal($"/api/v1/inbox/rules/{id}", create.Headers.Location?.OriginalString);
        Assert.Equal((string)workflow["name"]!, (string?)rule["workflowName"]);
        Assert.True(JsonNode.DeepEquals(condition, rule["condition"]));
        Assert.Single(await desk.Viewer.GetPageAsync($"/api/v1/inbox/rules?source={name}"));

        using var noSource = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/rules", new { source = "nowhere", workflowId = (string)workflow["id"]! });
        await noSource.ProblemAsync(HttpStatusCode.BadRequest, "source");
        using var noWorkflow = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/rules", new { source = name, workflowId = Guid.CreateVersion7() });
        await noWorkflow.ProblemAsync(HttpStatusCode.BadRequest, "workflowId");
        using var badCondition = await desk.Admin.PutAsJsonAsync($"/api/v1/inbox/rules/{id}", new
        {
            source = name, workflowId = (string)workflow["id"]!, condition = new JsonObject { ["left"] = "${trigger.body.x}", ["operator"] = "like", ["right"] = 1 },
        });
        await badCondition.ProblemAsync(HttpStatusCode.BadRequest, "condition.operator");

        using (var delete = await desk.Admin.DeleteAsync($"/api/v1/inbox/rules/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/inbox/rules?source={name}"));
    }

    [Fact]
    public async Task Deleting_a_source_deletes_its_rules()
    {
        var name = UniqueSource();
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name }, HttpStatusCode.Created);
        var workflow = await Workflows.CreateAsync(desk.Admin, Workflows.SaveCustomer(Workflows.UniqueName("Orphaned"), "orphaned"));
        await desk.Admin.PostJsonAsync("/api/v1/inbox/rules", new { source = name, workflowId = (string)workflow["id"]! }, HttpStatusCode.Created);

        using var delete = await desk.Admin.DeleteAsync($"/api/v1/inbox/sources/{name}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/inbox/rules?source={name}"));
    }

    [Fact]
    public async Task Inbox_events_are_listed_newest_first_filtered_by_source_and_event_type()
    {
        var name = UniqueSource();
        var run = Guid.CreateVersion7();
        await using (var db = desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContext())
        {
            var at = DateTimeOffset.UtcNow;
            db.WebhookEvents.AddRange(
                new WebhookEvent { Id = Guid.CreateVersion7(), ReceivedAt = at.AddMinutes(-2), InboxSource = name, EventType = "push", StatusCode = 202 },
                new WebhookEvent { Id = Guid.CreateVersion7(), ReceivedAt = at.AddMinutes(-1), InboxSource = name, EventType = "issues", StatusCode = 202, ExecutionIds = [run] },
                new WebhookEvent { Id = Guid.CreateVersion7(), ReceivedAt = at, InboxSource = name, EventType = "push", StatusCode = 401, Status = WebhookEventStatuses.Refused, Reason = "bad signature" },
                new WebhookEvent { Id = Guid.CreateVersion7(), ReceivedAt = at, WorkflowId = Guid.CreateVersion7(), StatusCode = 202 });
            await db.SaveChangesAsync();
        }

        var all = await desk.Viewer.GetPageAsync($"/api/v1/inbox/events?source={name}");
        var pushes = await desk.Viewer.GetPageAsync($"/api/v1/inbox/events?source={name}&eventType=push&pageSize=1", pageSize: 1);

        Assert.Equal(["push", "issues", "push"], all.Select(e => (string?)e!["eventType"]));
        Assert.Equal([run], all[1]!["executionIds"]!.AsArray().Select(id => id!.GetValue<Guid>()));
        Assert.Equal("refused", (string?)Assert.Single(pushes)!["status"]);
        using var badPage = await desk.Viewer.GetAsync("/api/v1/inbox/events?page=0");
        await badPage.ProblemAsync(HttpStatusCode.BadRequest, "page");
    }

    private static string UniqueSource() => $"src-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Delivery_id_settings_are_taken_and_answered_by_the_sources_api()
    {
        var name = UniqueSource();
        using var create = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name, preset = "github", secret = "gh-webhook-secret" });
        var created = await create.JsonAsync(HttpStatusCode.Created);

        using var update = await desk.Admin.PutAsJsonAsync($"/api/v1/inbox/sources/{name}", new { preset = "github", dedupHeader = "", dedupPath = "delivery.id" });
        using var bad = await desk.Admin.PutAsJsonAsync($"/api/v1/inbox/sources/{name}", new { preset = "github", dedupHeader = "not a header" });

        Assert.Equal("X-GitHub-Delivery", (string?)created["dedupHeader"]);
        var updated = await update.JsonAsync(HttpStatusCode.OK);
        Assert.Null(updated["dedupHeader"]);
        Assert.Equal("delivery.id", (string?)updated["dedupPath"]);
        await bad.ProblemAsync(HttpStatusCode.BadRequest, "dedupHeader");
    }
}
