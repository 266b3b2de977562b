using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>The desk on a real loopback port (Kestrel), with a one-second heartbeat so a test sees one soon.</summary>
public class EventStreamDesk : IAsyncLifetime
{
    public EventStreamDesk()
        : this(StorageProvider.Sqlite)
    {
    }

    protected EventStreamDesk(StorageProvider provider) => App = new(provider, builder => builder.UseSetting("Events:HeartbeatSeconds", "1"));

    public DeskApp App { get; }

    public async Task InitializeAsync()
    {
        App.UseKestrel(0);
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        App.ClientOptions.BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal))
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        await ((IAsyncLifetime)App).InitializeAsync();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
}

public class ExecutionEventsApiTests(EventStreamDesk fixture) : IClassFixture<EventStreamDesk>
{
    private readonly DeskApp _desk = fixture.App;

    private static JsonObject Workflow(string name, params JsonObject[] steps) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = Workflows.UniqueName(name),
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray(steps.Select(s => (JsonNode)s).ToArray()),
    };

    private static JsonObject Transform(string id, string? after = null) => new()
    {
        ["id"] = id,
        ["type"] = "transform",
        ["dependsOn"] = after is null ? new JsonArray() : new JsonArray(after),
        ["config"] = new JsonObject { ["value"] = id },
    };

    private static JsonObject Approval(string id, string after) => new()
    {
        ["id"] = id,
        ["type"] = "approval",
        ["dependsOn"] = new JsonArray(after),
        ["config"] = new JsonObject { ["message"] = "Go on?" },
    };

    private async Task<Guid> StartAsync(JsonObject definition)
    {
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(_desk.Editor, definition))["id"]);
        using var started = await _desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/execute", "{}");
        return ApiAnswers.V7((await started.JsonAsync(HttpStatusCode.Accepted))["executionId"]);
    }

    private static string Type(EventStreamReader.Event e) => (string)e.Data["eventType"]!;

    /// <summary>Every event of a run, replayed from the start of its stream until the stream closes.</summary>
    private async Task<List<EventStreamReader.Event>> ReplayAsync(Guid id)
    {
        await using var stream = await EventStreamReader.OpenAsync(_desk.Viewer, $"/api/v1/executions/{id}/events");
        var all = new List<EventStreamReader.Event>();
        while (await stream.NextAsync() is { } next)
        {
            all.Add(next);
        }
        return all;
    }

    [Fact]
    public void The_desk_listens_on_a_real_loopback_port()
    {
        var addresses = _desk.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.NotEmpty(addresses);
        Assert.Equal("127.0.0.1", _desk.Viewer.BaseAddress!.Host);
        Assert.NotEqual(80, _desk.Viewer.BaseAddress.Port);
    }

    [Fact]
    public async Task A_dropped_stream_resumes_after_its_last_event_with_no_gap_and_no_repeat()
    {
        var id = await StartAsync(Workflow("Streamed", Transform("first"), Approval("ask", "first"), Transform("after", "ask")));

        List<EventStreamReader.Event> before;
        await using (var stream = await EventStreamReader.OpenAsync(_desk.Viewer, $"/api/v1/executions/{id}/events"))
        {
            Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType!.MediaType);
            before = await stream.UntilAsync(e => Type(e) == "execution.paused");
            // Nothing happens while the run waits for its decision: the stream says it is alive.
            Assert.Empty(await stream.UntilCommentAsync());
            Assert.Contains("heartbeat", stream.Comments);
        }
        using (var approved = await _desk.Editor.PostAsJsonAsync($"/api/v1/executions/{id}/resume", new { decision = "approve" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        }
        var after = new List<EventStreamReader.Event>();
        await using (var stream = await EventStreamReader.OpenAsync(_desk.Viewer, $"/api/v1/executions/{id}/events", before[^1].Id))
        {
            while (await stream.NextAsync() is { } next)
            {
                after.Add(next);
            }
        }

        var both = before.Concat(after).ToList();
        Assert.Equal(Enumerable.Range(1, both.Count).Select(i => (long)i), both.Select(e => e.Id));
        Assert.Equal("execution.queued", Type(both[0]));
        Assert.Equal("execution.succeeded", Type(both[^1]));
        Assert.Contains(after, e => Type(e) == "log.information" && ((string)e.Data["data"]!["message"]!).StartsWith("Approved by", StringComparison.Ordinal));
        foreach (var e in both)
        {
            Assert.Equal(1, (int)e.Data["schemaVersion"]!);
            Assert.Equal(id, ApiAnswers.V7(e.Data["executionId"]));
            Assert.Equal(e.Name, Type(e).Split('.')[0]);
            Assert.NotNull(e.Data["timestamp"]);
            Assert.NotNull(e.Data["status"]);
            Assert.NotNull(e.Data["progress"]);
            Assert.True(e.Data.ContainsKey("currentStepId"));
            Assert.NotNull(e.Data["data"]);
        }
        Assert.Equal("Succeeded", (string)both[^1].Data["data"]!["status"]!);
        // The stored stream, replayed whole, is exactly what the two connections saw.
        var replay = await ReplayAsync(id);
        Assert.Equal(both.Select(e => (e.Id, Type(e), (long)e.Data["eventId"]!)), replay.Select(e => (e.Id, Type(e), (long)e.Data["eventId"]!)));
    }

    [Fact]
    public async Task A_finished_runs_stream_replays_after_the_given_id_and_closes()
    {
        var id = await StartAsync(Workflow("Finished", Transform("a"), Transform("b", "a")));
        var all = await ReplayAsync(id);
        Assert.Equal("execution.succeeded", Type(all[^1]));

        await using var stream = await EventStreamReader.OpenAsync(_desk.Viewer, $"/api/v1/executions/{id}/events?lastEventId=1");
        var rest = new List<EventStreamReader.Event>();
        while (await stream.NextAsync() is { } next)
        {
            rest.Add(next);
        }

        Assert.Equal(all.Skip(1).Select(e => e.Id), rest.Select(e => e.Id));
    }

    [Fact]
    public async Task The_all_runs_stream_replays_after_its_last_event_id_then_follows_new_runs()
    {
        var first = await StartAsync(Workflow("All runs", Transform("a"), Transform("b", "a")));
        var firstEvents = await ReplayAsync(first);
        var from = (long)firstEvents[0].Data["eventId"]!;

        await using var stream = await EventStreamReader.OpenAsync(_desk.Viewer, "/api/v1/events?topic=executions", from);
        var replayed = await stream.UntilAsync(e => ApiAnswers.V7(e.Data["executionId"]) == first && Type(e) == "execution.succeeded");
        var second = await StartAsync(Workflow("All runs later", Transform("a")));
        var live = await stream.UntilAsync(e => ApiAnswers.V7(e.Data["executionId"]) == second && Type(e) == "execution.succeeded");

        Assert.Equal(firstEvents.Skip(1).Select(e => (long)e.Data["eventId"]!), replayed.Where(e => ApiAnswers.V7(e.Data["executionId"]) == first).Select(e => e.Id));
        var ids = replayed.Concat(live).Select(e => e.Id).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(replayed.Concat(live), e => Assert.Equal(e.Id, (long)e.Data["eventId"]!));
        Assert.Equal("execution.queued", Type(live.First(e => ApiAnswers.V7(e.Data["executionId"]) == second)));
    }

    [Fact]
    public async Task Unknown_runs_other_topics_and_bad_ids_are_refused_by_name()
    {
        using var unknown = await _desk.Viewer.GetAsync($"/api/v1/executions/{Guid.CreateVersion7()}/events");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var noTopic = await _desk.Viewer.GetAsync("/api/v1/events");
        await noTopic.ProblemAsync(HttpStatusCode.BadRequest, "topic");
        using var otherTopic = await _desk.Viewer.GetAsync("/api/v1/events?topic=notifications");
        await otherTopic.ProblemAsync(HttpStatusCode.BadRequest, "topic");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?topic=executions");
        request.Headers.Add("Last-Event-ID", "yesterday");
        using var badId = await _desk.Viewer.SendAsync(request);
        await badId.ProblemAsync(HttpStatusCode.BadRequest, "Last-Event-ID");
    }

    [Fact]
    public async Task The_streams_need_an_api_key()
    {
        using var anonymous = _desk.Anonymous();
        using var run = await anonymous.GetAsync($"/api/v1/executions/{Guid.CreateVersion7()}/events");
        using var all = await anonymous.GetAsync("/api/v1/events?topic=executions");

        Assert.Equal(HttpStatusCode.Unauthorized, run.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, all.StatusCode);
    }
}
