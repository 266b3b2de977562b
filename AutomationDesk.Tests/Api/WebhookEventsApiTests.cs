using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Components.Runs;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class WebhookEventsApiTests(DeskApp desk)
{
    [Fact]
    public async Task Events_list_newest_first_and_filter_by_workflow_status_and_page()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        using (var accepted = await Webhooks.PostAsync(desk, hook.Path, """{"n":1}"""))
        {
            await accepted.AcceptedAsync();
        }
        using (var refused = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/wrong", """{"n":2}"""))
        {
            await refused.ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var all = await Webhooks.EventsOfAsync(desk, hook.WorkflowId);
        var onlyRefused = await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?workflowId={hook.WorkflowId}&status=refused");
        var secondPage = await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?workflowId={hook.WorkflowId}&page=2&pageSize=1", page: 2, pageSize: 1);
        using var badStatus = await desk.Viewer.GetAsync("/api/v1/webhook-events?status=lost");

        Assert.Equal([401, 202], all.Select(e => (int)e!["statusCode"]!));
        Assert.Equal(401, (int)Assert.Single(onlyRefused)!["statusCode"]!);
        Assert.Equal(202, (int)Assert.Single(secondPage)!["statusCode"]!);
        await badStatus.ProblemAsync(HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task Search_finds_events_by_text_in_their_body_or_reason()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        using (var accepted = await Webhooks.PostAsync(desk, hook.Path, """{"customer":"zebra-17"}"""))
        {
            await accepted.AcceptedAsync();
        }
        using (var refused = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/wrong", """{"customer":"other"}"""))
        {
            await refused.ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var byBody = await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?workflowId={hook.WorkflowId}&q=zebra-17");
        var byReason = await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?workflowId={hook.WorkflowId}&q=webhook%20token");

        Assert.Equal(202, (int)Assert.Single(byBody)!["statusCode"]!);
        Assert.Equal(401, (int)Assert.Single(byReason)!["statusCode"]!);
    }

    [Fact]
    public async Task An_event_shows_the_request_as_it_came_without_credentials()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        const string body = """{ "spaced" : true }""";
        using (var response = await Webhooks.PostAsync(desk, hook.Path + "?x=1", body,
            headers: new Dictionary<string, string> { ["X-Sender"] = "shop", ["Authorization"] = "Bearer secret-value", ["Cookie"] = "a=secret-value" }))
        {
            await response.AcceptedAsync();
        }
        var id = (string)Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!["id"]!;

        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{id}");

        Assert.Equal(body, (string)detail["body"]!);
        Assert.Equal("POST", (string)detail["method"]!);
        Assert.StartsWith("application/json", (string)detail["contentType"]!, StringComparison.Ordinal);
        Assert.Equal("shop", (string)detail["headers"]!["x-sender"]!);
        Assert.Equal("1", (string)detail["query"]!["x"]!);
        Assert.DoesNotContain("secret-value", detail.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Bearer ***", (string)detail["headers"]!["authorization"]!);
        Assert.Equal("a=***", (string)detail["headers"]!["cookie"]!);
        Assert.Single(detail["executionIds"]!.AsArray());
    }

    [Fact]
    public async Task Replaying_a_workflow_event_starts_a_new_run_from_the_stored_request_and_is_audited()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject { ["idempotencyKey"] = "body:id" }));
        using (var response = await Webhooks.PostAsync(desk, hook.Path, """{"id":"once","customer":"c-5"}"""))
        {
            await response.AcceptedAsync();
        }
        var id = (string)Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!["id"]!;

        using var replay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{id}/replay", null);

        var replayed = await replay.JsonAsync(HttpStatusCode.Accepted);
        var run = Assert.Single(replayed["runs"]!.AsArray())!;
        var detail = await RunsApi.WaitForStatusAsync(desk.Viewer, Guid.Parse((string)run["executionId"]!), "Succeeded");
        Assert.Equal("c-5", (string)detail["output"]!["body"]!["customer"]!);
        Assert.Equal(2, (await Webhooks.RunsOfAsync(desk, hook.WorkflowId)).Count);
        Assert.Single(await desk.Admin.GetPageAsync($"/api/v1/audit?action=webhook-event.replay&target={id}"));
    }

    [Fact]
    public async Task An_event_whose_body_was_not_kept_cannot_be_replayed()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject { ["maxBodyBytes"] = 10 }));
        using (var response = await Webhooks.PostAsync(desk, hook.Path, """{"much":"too long"}"""))
        {
            await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        }
        var id = (string)Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!["id"]!;

        using var replay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{id}/replay", null);

        await replay.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }

    [Fact]
    public async Task Viewers_read_events_but_cannot_replay_and_an_unknown_event_is_404()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        using (var response = await Webhooks.PostAsync(desk, hook.Path, "{}"))
        {
            await response.AcceptedAsync();
        }
        var id = (string)Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!["id"]!;

        using var viewerReplay = await desk.Viewer.PostAsync($"/api/v1/webhook-events/{id}/replay", null);
        using var unknown = await desk.Viewer.GetAsync($"/api/v1/webhook-events/{Guid.CreateVersion7()}");
        using var unknownReplay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{Guid.CreateVersion7()}/replay", null);
        using var stranger = desk.Anonymous();
        using var anonymous = await stranger.GetAsync("/api/v1/webhook-events");

        Assert.Equal(HttpStatusCode.Forbidden, viewerReplay.StatusCode);
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        await unknownReplay.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
