using System.Net;
using System.Net.Http.Json;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// What is kept of a refused request: never the body of one that named no enabled webhook or source (anyone can send
/// those, and nobody could replay them), but the body of one refused by a real webhook or source, so it can be replayed.
/// </summary>
[Collection(DeskAppCollection.Name)]
public sealed class WebhookRefusedBodyTests(DeskApp desk)
{
    private const string Secret = "refused-body-secret";
    private static readonly string Large = "{\"filler\":\"" + new string('x', 256 * 1024) + "\"}";

    private async Task<long> StoredBodyBytesAsync(Func<IQueryable<WebhookEvent>, IQueryable<WebhookEvent>> which)
    {
        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var bodies = await which(db.WebhookEvents.AsNoTracking()).Select(e => e.Body).ToListAsync();
        return bodies.Sum(b => (long)(b?.Length ?? 0));
    }

    private async Task<string> AddGitHubSourceAsync()
    {
        var name = $"gh-{Guid.NewGuid():N}"[..16];
        using var created = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name, preset = "github", secret = Secret });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return name;
    }

    [Fact]
    public async Task A_request_to_an_unknown_workflow_keeps_only_the_outline_of_its_headers_and_query()
    {
        var unknown = Guid.CreateVersion7();
        var headers = Enumerable.Range(0, 80).ToDictionary(i => $"X-Filler-{i}", _ => new string('h', 300));

        using var response = await Webhooks.PostAsync(desk, $"/api/webhooks/{unknown}/any-token?q={new string('q', 2000)}", "{}", headers: headers);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var stored = await db.WebhookEvents.AsNoTracking().SingleAsync(e => e.WorkflowId == unknown);
        Assert.Null(stored.Body);
        Assert.True(stored.HeadersJson.Length < 60 * (WebhookEvent.OutlineValueLength + 40), $"{stored.HeadersJson.Length} characters of headers kept");
        Assert.True(stored.QueryJson.Length < WebhookEvent.OutlineValueLength + 20, stored.QueryJson);
        Assert.Contains("x-filler-0", stored.HeadersJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_to_an_unknown_workflow_are_recorded_with_size_and_masked_headers_but_without_their_bodies()
    {
        var unknown = Guid.CreateVersion7();

        for (var i = 0; i < 8; i++)
        {
            using var response = await Webhooks.PostAsync(desk, $"/api/webhooks/{unknown}/any-token", Large,
                headers: new Dictionary<string, string> { ["X-Api-Key"] = "caller-secret-key" });
            await response.ProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(0, await StoredBodyBytesAsync(events => events.Where(e => e.WorkflowId == unknown)));
        var stored = await Webhooks.EventsOfAsync(desk, unknown);
        Assert.Equal(8, stored.Count);
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{(string)stored[0]!["id"]!}");
        Assert.Null(detail["body"]);
        Assert.Equal(Large.Length, (long)detail["bodyBytes"]!);
        Assert.Equal("Body not kept: the request was refused.", (string)detail["bodyNote"]!);
        Assert.Equal("***", (string)detail["headers"]!["x-api-key"]!);
        Assert.Contains(unknown.ToString(), (string)detail["reason"]!, StringComparison.Ordinal);
        Assert.Equal("POST", (string)detail["method"]!);
    }

    [Fact]
    public async Task A_request_with_a_wrong_token_to_a_real_workflow_keeps_its_body_so_it_can_be_replayed()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using (var response = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/old-token", """{"order":"o-1"}"""))
        {
            await response.ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{(string)Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!["id"]!}");
        Assert.Equal("""{"order":"o-1"}""", (string)detail["body"]!);
        Assert.Null(detail["bodyNote"]);
        Assert.Contains("not this workflow's webhook token", (string)detail["replayWarning"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_inbox_source_keeps_no_body_and_a_refused_signature_at_a_real_source_keeps_it()
    {
        var source = await AddGitHubSourceAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}"[..20];
        var headers = new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = "push",
            ["X-Hub-Signature-256"] = WebhookSigning.GitHub("not-the-secret", Large),
        };

        using (var toNobody = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{unknown}", Large, headers: headers))
        {
            await toNobody.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var badSignature = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", Large, headers: headers))
        {
            await badSignature.ProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(0, await StoredBodyBytesAsync(events => events.Where(e => e.InboxSource == unknown)));
        Assert.Equal(Large.Length, await StoredBodyBytesAsync(events => events.Where(e => e.InboxSource == source)));
        var refused = Assert.Single(await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?source={source}"))!;
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{(string)refused["id"]!}");
        Assert.Equal("***", (string)detail["headers"]!["x-hub-signature-256"]!);
    }

    [Fact]
    public async Task A_webhook_keeps_at_most_its_budget_of_refused_bodies_a_day()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        var body = "{\"filler\":\"" + new string('y', 1_000_000) + "\"}";

        for (var i = 0; i < 9; i++)
        {
            using var response = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/guessed-token", body);
            await response.ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var kept = await StoredBodyBytesAsync(events => events.Where(e => e.WorkflowId == hook.WorkflowId));
        Assert.Equal(8L * body.Length, kept);
        Assert.True(kept <= RefusedBodyBudget.MaxBytes);
        var newest = (await Webhooks.EventsOfAsync(desk, hook.WorkflowId))[0]!;
        Assert.False((bool)newest["bodyStored"]!);
        Assert.Contains("already keep 8 MiB", (string)newest["reason"]!, StringComparison.Ordinal);
    }
}
