using System.Net;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class NotificationsApiTests(DeskApp desk)
{
    /// <summary>Runs a workflow whose one step raises a notification; answers the notification's id.</summary>
    private async Task<Guid> NotifyAsync(string title, string type, string priority)
    {
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = Workflows.UniqueName("Notifier"),
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray
            {
                new JsonObject
                {
                    ["id"] = "notify",
                    ["type"] = "notification.send",
                    ["config"] = new JsonObject { ["title"] = title, ["message"] = "From a test", ["type"] = type, ["priority"] = priority },
                },
            },
        };
        var workflow = await Workflows.CreateAsync(desk.Editor, definition);
        var run = await Workflows.RunAsync(desk.Editor, ApiAnswers.V7(workflow["id"]), new { });
        Assert.Equal("Succeeded", (string)run["status"]!);
        return Guid.Parse((string)run["steps"]![0]!["output"]!["id"]!);
    }

    private async Task<JsonObject> FindAsync(Guid id) =>
        (await desk.Viewer.GetPageAsync("/api/v1/notifications?pageSize=500", pageSize: 500)).Single(n => (string)n!["id"]! == id.ToString())!.AsObject();

    [Fact]
    public async Task The_list_filters_by_unread_type_and_priority()
    {
        var warning = await NotifyAsync(Workflows.UniqueName("Disk almost full"), "Warning", "High");
        var info = await NotifyAsync(Workflows.UniqueName("Backup done"), "Info", "Low");

        var listed = await FindAsync(warning);
        Assert.Equal("Warning", (string)listed["type"]!);
        Assert.Equal("High", (string)listed["priority"]!);
        Assert.False((bool)listed["isRead"]!);

        var warnings = await desk.Viewer.GetPageAsync("/api/v1/notifications?type=Warning&priority=High&pageSize=500", pageSize: 500);
        Assert.Contains(warnings, n => (string)n!["id"]! == warning.ToString());
        Assert.DoesNotContain(warnings, n => (string)n!["id"]! == info.ToString());
        Assert.All(warnings, n => Assert.Equal("Warning", (string)n!["type"]!));

        using (var read = await desk.Viewer.PostAsync($"/api/v1/notifications/{warning}/read", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        }
        var unread = await desk.Viewer.GetPageAsync("/api/v1/notifications?unreadOnly=true&pageSize=500", pageSize: 500);
        Assert.DoesNotContain(unread, n => (string)n!["id"]! == warning.ToString());
        Assert.Contains(unread, n => (string)n!["id"]! == info.ToString());
        var readOne = await FindAsync(warning);
        Assert.True((bool)readOne["isRead"]!);
        Assert.NotNull(readOne["readAt"]);
    }

    [Fact]
    public async Task Stats_count_unread_by_type_and_priority_and_read_all_clears_them()
    {
        await NotifyAsync(Workflows.UniqueName("Payment failed"), "Error", "Urgent");
        var before = await desk.Viewer.GetJsonAsync("/api/v1/notifications/stats");
        Assert.True((int)before["unread"]! >= 1);
        Assert.True((int)before["unreadByType"]!["Error"]! >= 1);
        Assert.True((int)before["unreadByPriority"]!["Urgent"]! >= 1);
        Assert.True((int)before["total"]! >= (int)before["unread"]!);

        using var readAll = await desk.Viewer.PostAsync("/api/v1/notifications/read-all", null);
        Assert.Equal((int)before["unread"]!, (int)(await readAll.JsonAsync(HttpStatusCode.OK))["count"]!);

        var after = await desk.Viewer.GetJsonAsync("/api/v1/notifications/stats");
        Assert.Equal(0, (int)after["unread"]!);
        Assert.Equal((int)before["total"]!, (int)after["total"]!);
        Assert.Empty(await desk.Viewer.GetPageAsync("/api/v1/notifications?unreadOnly=true"));
    }

    [Fact]
    public async Task Delete_removes_one_then_404s_and_delete_all_empties_the_list()
    {
        var gone = await NotifyAsync(Workflows.UniqueName("Temporary"), "Info", "Normal");
        await NotifyAsync(Workflows.UniqueName("Also temporary"), "Info", "Normal");

        using (var delete = await desk.Editor.DeleteAsync($"/api/v1/notifications/{gone}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var again = await desk.Editor.DeleteAsync($"/api/v1/notifications/{gone}"))
        {
            await again.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var readGone = await desk.Viewer.PostAsync($"/api/v1/notifications/{gone}/read", null))
        {
            await readGone.ProblemAsync(HttpStatusCode.NotFound);
        }

        using var deleteAll = await desk.Editor.DeleteAsync("/api/v1/notifications");
        Assert.True((int)(await deleteAll.JsonAsync(HttpStatusCode.OK))["count"]! >= 1);
        Assert.Empty(await desk.Viewer.GetPageAsync("/api/v1/notifications"));
        Assert.Equal(0, (int)(await desk.Viewer.GetJsonAsync("/api/v1/notifications/stats"))["total"]!);
    }
}
