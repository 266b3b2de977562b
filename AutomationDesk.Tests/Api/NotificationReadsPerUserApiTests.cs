using System.Net;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>Read state is per user: a Viewer's "read all" marks only the Viewer's; an API key reads as its user.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class NotificationReadsPerUserApiTests(DeskApp desk)
{
    private async Task<Guid> NotifyAsync(string title)
    {
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = Workflows.UniqueName("Alert"),
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray
            {
                new JsonObject { ["id"] = "notify", ["type"] = "notification.send", ["config"] = new JsonObject { ["title"] = title, ["message"] = "Dead letter", ["type"] = "Error" } },
            },
        };
        var workflow = await Workflows.CreateAsync(desk.Editor, definition);
        var run = await Workflows.RunAsync(desk.Editor, ApiAnswers.V7(workflow["id"]), new { });
        return Guid.Parse((string)run["steps"]![0]!["output"]!["id"]!);
    }

    private static async Task<JsonObject> FindAsync(HttpClient client, Guid id) =>
        (await client.GetPageAsync("/api/v1/notifications?pageSize=500", pageSize: 500)).Single(n => (string)n!["id"]! == id.ToString())!.AsObject();

    [Fact]
    public async Task A_viewer_reading_all_leaves_the_admins_notifications_unread()
    {
        var alert = await NotifyAsync(Workflows.UniqueName("Payments dead letter"));
        var adminBefore = (int)(await desk.Admin.GetJsonAsync("/api/v1/notifications/stats"))["unread"]!;

        using (var readAll = await desk.Viewer.PostAsync("/api/v1/notifications/read-all", null))
        {
            Assert.True((int)(await readAll.JsonAsync(HttpStatusCode.OK))["count"]! >= 1);
        }

        Assert.True((bool)(await FindAsync(desk.Viewer, alert))["isRead"]!);
        var forAdmin = await FindAsync(desk.Admin, alert);
        Assert.False((bool)forAdmin["isRead"]!);
        Assert.Null(forAdmin["readAt"]);
        Assert.Contains(await desk.Admin.GetPageAsync("/api/v1/notifications?unreadOnly=true&pageSize=500", pageSize: 500), n => (string)n!["id"]! == alert.ToString());
        Assert.Equal(adminBefore, (int)(await desk.Admin.GetJsonAsync("/api/v1/notifications/stats"))["unread"]!);
        Assert.Equal(0, (int)(await desk.Viewer.GetJsonAsync("/api/v1/notifications/stats"))["unread"]!);
    }

    [Fact]
    public async Task Reading_one_marks_it_for_the_keys_user_only_and_the_dashboard_counts_per_user()
    {
        var alert = await NotifyAsync(Workflows.UniqueName("Inbox dead letter"));
        var editorDashboard = (int)(await desk.Editor.GetJsonAsync("/api/v1/monitor/dashboard"))["unreadNotifications"]!;

        using (var read = await desk.Editor.PostAsync($"/api/v1/notifications/{alert}/read", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        }

        Assert.True((bool)(await FindAsync(desk.Editor, alert))["isRead"]!);
        Assert.False((bool)(await FindAsync(desk.Viewer, alert))["isRead"]!);
        Assert.Equal(editorDashboard - 1, (int)(await desk.Editor.GetJsonAsync("/api/v1/monitor/dashboard"))["unreadNotifications"]!);
    }
}
