using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AutomationDesk.Web.Hubs;

/// <summary>The live channel at <c>/hubs/desk</c>. A client subscribes to topics and receives their changes.</summary>
[Authorize(Policy = DeskPolicies.Read)]
public sealed class DeskHub(LiveDeskEvents events) : Hub<IDeskClient>
{
    public const string Route = "/hubs/desk";

    public static class Topics
    {
        public const string Executions = "executions";
        public const string Notifications = "notifications";
        public const string Schedules = "schedules";
        public const string Connections = "connections";

        public static string Execution(Guid id) => $"execution:{id}";

        public static bool IsKnown(string topic) => topic is Executions or Notifications or Schedules or Connections
            || (topic.StartsWith("execution:", StringComparison.Ordinal) && Guid.TryParse(topic["execution:".Length..], out _));
    }

    public async Task Subscribe(string topic)
    {
        if (!Topics.IsKnown(topic))
        {
            throw new HubException($"Unknown topic '{topic}': use executions, execution:{{id}}, notifications, schedules or connections.");
        }
        if (topic == Topics.Executions)
        {
            events.ListenToAllExecutions(Context.ConnectionId, listen: true);
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, topic);
    }

    public async Task Unsubscribe(string topic)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, topic);
        if (topic == Topics.Executions)
        {
            events.ListenToAllExecutions(Context.ConnectionId, listen: false);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        events.ListenToAllExecutions(Context.ConnectionId, listen: false);
        return base.OnDisconnectedAsync(exception);
    }
}
