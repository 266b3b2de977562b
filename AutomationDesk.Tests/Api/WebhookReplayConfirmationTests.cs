using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Components.Runs;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class WebhookReplayConfirmationTests(DeskApp desk)
{
    private async Task<(Webhooks.Hook Hook, string EventId)> RefusedEventAsync()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        using (var response = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/stale-token", """{"order":"o-9"}"""))
        {
            await response.ProblemAsync(HttpStatusCode.Unauthorized);
        }
        return (hook, (string)Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!["id"]!);
    }

    [Fact]
    public async Task A_refused_request_is_not_replayed_without_a_confirmation_and_the_answer_says_why_it_was_refused()
    {
        var (hook, eventId) = await RefusedEventAsync();

        using var replay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{eventId}/replay", null);

        var problem = await replay.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("not this workflow's webhook token", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Contains("confirm=true", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }

    [Fact]
    public async Task A_confirmed_replay_of_a_refused_request_starts_a_run_whose_trigger_names_the_event()
    {
        var (hook, eventId) = await RefusedEventAsync();

        using var replay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{eventId}/replay?confirm=true", null);

        var replayed = await replay.JsonAsync(HttpStatusCode.Accepted);
        var runId = Guid.Parse((string)Assert.Single(replayed["runs"]!.AsArray())!["executionId"]!);
        var run = await RunsApi.WaitForStatusAsync(desk.Viewer, runId, "Succeeded");
        Assert.Equal("o-9", (string)run["output"]!["body"]!["order"]!);
        Assert.Equal(eventId, (string)run["trigger"]!["input"]!["replay"]!["webhookEventId"]!);
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{eventId}");
        Assert.Equal([runId.ToString()], detail["replayExecutionIds"]!.AsArray().Select(id => (string)id!));
        Assert.True((bool)Assert.Single(detail["runs"]!.AsArray())!["replay"]!);
        Assert.Single(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
        var audit = Assert.Single(await desk.Admin.GetPageAsync($"/api/v1/audit?action=webhook-event.replay&target={eventId}"))!;
        Assert.Contains("webhook token", audit.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_lists_the_run_it_started_and_the_runs_its_replays_started()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        Guid original;
        using (var response = await Webhooks.PostAsync(desk, hook.Path, """{"n":1}"""))
        {
            original = Guid.Parse((string)(await response.AcceptedAsync())["executionId"]!);
        }
        var eventId = (string)Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!["id"]!;

        using var replay = await desk.Editor.PostAsync($"/api/v1/webhook-events/{eventId}/replay", null);

        var replayRun = Guid.Parse((string)(await replay.JsonAsync(HttpStatusCode.Accepted))["runs"]![0]!["executionId"]!);
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{eventId}");
        var runs = detail["runs"]!.AsArray().Select(r => (Guid.Parse((string)r!["executionId"]!), (bool)r["replay"]!)).ToList();
        Assert.Equal([(original, false), (replayRun, true)], runs);
        Assert.Equal([original.ToString()], detail["executionIds"]!.AsArray().Select(id => (string)id!));
        Assert.Null(detail["replayWarning"]);
    }

    [Fact]
    public async Task A_viewer_cannot_replay_a_refused_request_even_confirmed()
    {
        var (hook, eventId) = await RefusedEventAsync();

        using var replay = await desk.Viewer.PostAsync($"/api/v1/webhook-events/{eventId}/replay?confirm=true", null);

        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }
}
