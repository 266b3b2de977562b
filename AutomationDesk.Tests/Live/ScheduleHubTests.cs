using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace AutomationDesk.Tests.Live;

[Collection(DeskAppCollection.Name)]
public sealed class ScheduleHubTests(DeskApp desk)
{
    [Fact]
    public async Task A_schedules_subscriber_hears_a_pause_with_the_same_shape_as_the_list()
    {
        var name = Workflows.UniqueName("Heard");
        var workflow = await Workflows.CreateAsync(desk.Editor, SchedulesApiTests.Schedule(name, "0 6 * * *"));
        var id = (string)workflow["id"]!;
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(desk.Server.BaseAddress, DeskHub.Route), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => desk.Server.CreateHandler();
                options.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, desk.ViewerKey);
            })
            .Build();
        var heard = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonObject>(nameof(IDeskClient.ScheduleChanged), schedule =>
        {
            if ((string)schedule["workflowId"]! == id)
            {
                heard.TrySetResult(schedule);
            }
        });
        await connection.StartAsync();
        await connection.InvokeAsync(nameof(DeskHub.Subscribe), DeskHub.Topics.Schedules);

        await desk.Editor.PostJsonAsync($"/api/v1/schedules/{id}/pause", new { }, HttpStatusCode.OK);

        var schedule = await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True((bool)schedule["paused"]!);
        Assert.Equal(name, (string)schedule["workflowName"]!);
        Assert.Equal("0 6 * * *", (string)schedule["expression"]!);
    }
}
