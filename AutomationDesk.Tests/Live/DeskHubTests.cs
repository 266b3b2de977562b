using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Live;

/// <summary>The live channel at <c>/hubs/desk</c>, as a script sees it: an API key, topics, and the REST API's shapes.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class DeskHubTests(DeskApp desk)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private HubConnection Connect(string key) => new HubConnectionBuilder()
        .WithUrl(new Uri(desk.Server.BaseAddress, DeskHub.Route), options =>
        {
            options.Transports = HttpTransportType.LongPolling;
            options.HttpMessageHandlerFactory = _ => desk.Server.CreateHandler();
            options.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        })
        .Build();

    [Fact]
    public async Task A_subscriber_receives_the_execution_and_step_changes_of_a_run_it_starts()
    {
        await using var gate = await Gate.StartAsync();
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = Workflows.UniqueName("Live"),
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray
            {
                new JsonObject { ["id"] = "wait", ["type"] = "http.request", ["config"] = new JsonObject { ["url"] = gate.Url.ToString() } },
                new JsonObject { ["id"] = "after", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = "${steps.wait.output.status}" } },
            },
        };
        var workflow = await Workflows.CreateAsync(desk.Editor, definition);

        await using var connection = Connect(desk.ViewerKey);
        var executions = new List<JsonObject>();
        var steps = new List<JsonObject>();
        var succeeded = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterDone = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonObject>(nameof(IDeskClient.ExecutionChanged), execution =>
        {
            lock (executions)
            {
                executions.Add(execution);
            }
            if ((string?)execution["status"] == "Succeeded")
            {
                succeeded.TrySetResult(execution);
            }
        });
        connection.On<JsonObject>(nameof(IDeskClient.StepChanged), step =>
        {
            lock (steps)
            {
                steps.Add(step);
            }
            if ((string?)step["stepId"] == "after" && (string?)step["status"] == "Succeeded")
            {
                afterDone.TrySetResult(step);
            }
        });
        await connection.StartAsync();
        await connection.InvokeAsync("Subscribe", "executions");

        var started = await desk.Editor.PostJsonAsync($"/api/v1/workflows/{workflow["id"]}/execute", new { }, HttpStatusCode.Accepted);
        var id = ApiAnswers.V7(started["executionId"]);
        await connection.InvokeAsync("Subscribe", $"execution:{id}");
        await gate.Requested.WaitAsync(Patience); // the run is inside its first step
        gate.Open();

        var final = await succeeded.Task.WaitAsync(Patience);
        var after = await afterDone.Task.WaitAsync(Patience);

        Assert.Equal(id.ToString(), (string)final["id"]!);
        Assert.Equal((string)workflow["name"]!, (string)final["workflowName"]!);
        Assert.Equal(100, (int)final["progress"]!);
        Assert.Equal(id.ToString(), (string)after["executionId"]!);
        Assert.Equal("transform", (string)after["type"]!);
        Assert.Equal(200, (int)after["output"]!);
        lock (executions)
        {
            Assert.Contains(executions, e => (string)e["id"]! == id.ToString() && (string)e["status"]! == "Queued");
            // Subscribed to both "executions" and "execution:{id}", the client still hears each change once.
            Assert.Single(executions, e => (string)e["id"]! == id.ToString() && (string)e["status"]! == "Succeeded");
        }
        lock (steps)
        {
            Assert.Contains(steps, s => (string)s["stepId"]! == "wait" && (string)s["status"]! == "Succeeded");
            Assert.All(steps, s => Assert.Equal(id.ToString(), (string)s["executionId"]!));
        }
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/executions/{id}");
        // The database keeps milliseconds; the live event carries the clock's full precision.
        Assert.Equal(Instant(final["finishedAt"]), Instant(detail["finishedAt"]));
    }

    private static DateTimeOffset Instant(JsonNode? time)
    {
        var parsed = DateTimeOffset.Parse((string)time!, System.Globalization.CultureInfo.InvariantCulture);
        return parsed.AddTicks(-(parsed.Ticks % TimeSpan.TicksPerMillisecond));
    }

    [Fact]
    public async Task A_notifications_subscriber_receives_a_notification_a_run_raises()
    {
        var title = Workflows.UniqueName("Live notice");
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = Workflows.UniqueName("Live notifier"),
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray
            {
                new JsonObject { ["id"] = "notify", ["type"] = "notification.send", ["config"] = new JsonObject { ["title"] = title, ["priority"] = "High" } },
            },
        };
        var workflow = await Workflows.CreateAsync(desk.Editor, definition);
        await using var connection = Connect(desk.ViewerKey);
        var received = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonObject>(nameof(IDeskClient.NotificationCreated), notification =>
        {
            if ((string?)notification["title"] == title)
            {
                received.TrySetResult(notification);
            }
        });
        await connection.StartAsync();
        await connection.InvokeAsync("Subscribe", "notifications");

        var run = await Workflows.RunAsync(desk.Editor, ApiAnswers.V7(workflow["id"]), new { });

        var notification = await received.Task.WaitAsync(Patience);
        Assert.Equal("High", (string)notification["priority"]!);
        Assert.False((bool)notification["isRead"]!);
        Assert.Equal((string)run["id"]!, (string)notification["executionId"]!);
        Assert.Equal((string)run["steps"]![0]!["output"]!["id"]!, (string)notification["id"]!);
    }

    [Fact]
    public async Task An_unknown_topic_is_refused_with_a_message_that_names_it()
    {
        await using var connection = Connect(desk.ViewerKey);
        await connection.StartAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Subscribe", "everything"));
        Assert.Contains("everything", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_or_unknown_key_cannot_connect()
    {
        await using var connection = Connect("not-a-key-of-this-desk");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    /// <summary>A loopback HTTP endpoint that holds every request until opened, so a test can act while a run waits on it.</summary>
    private sealed class Gate : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Gate(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;
        public Task Requested => _requested.Task;

        public static async Task<Gate> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var gate = new Gate(app);
            app.MapGet("/gate", async () =>
            {
                gate._requested.TrySetResult();
                await gate._open.Task;
                return Results.Ok(new { opened = true });
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            gate.Url = new Uri(new Uri(address), "/gate");
            return gate;
        }

        public void Open() => _open.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            Open();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
