using System.Net;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class AuditApiTests(DeskApp desk)
{
    [Fact]
    public async Task Changes_are_audited_with_the_actor_and_filter_by_actor_action_and_target()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Audited"), "audited"));
        var target = $"workflow:{workflow["id"]}";
        using (var disable = await desk.Editor.PostAsync($"/api/v1/workflows/{workflow["id"]}/disable", null))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        var trail = await desk.Viewer.GetPageAsync($"/api/v1/audit?target={Uri.EscapeDataString(target)}");
        Assert.Equal(["workflow.disable", "workflow.create"], trail.Select(a => (string)a!["action"]!)); // newest first
        var created = trail[1]!;
        Assert.Equal("ApiKey", (string)created["actorKind"]!);
        Assert.Contains("Editor key", (string)created["actor"]!, StringComparison.Ordinal);
        Assert.Contains((string)workflow["name"]!, created["details"]!.ToJsonString(), StringComparison.Ordinal);

        var exact = await desk.Viewer.GetPageAsync($"/api/v1/audit?action=workflow.create&target={Uri.EscapeDataString(target)}");
        Assert.Equal(["workflow.create"], exact.Select(a => (string)a!["action"]!));
        var byArea = await desk.Viewer.GetPageAsync($"/api/v1/audit?action=workflow&target={Uri.EscapeDataString(target)}");
        Assert.Equal(2, byArea.Count);
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/audit?actor=nobody-at-all&target={Uri.EscapeDataString(target)}"));
        Assert.Equal(2, (await desk.Viewer.GetPageAsync($"/api/v1/audit?actor=editor-&target={Uri.EscapeDataString(target)}")).Count);

        var paged = await desk.Viewer.GetPageAsync($"/api/v1/audit?target={Uri.EscapeDataString(target)}&pageSize=1&page=2", page: 2, pageSize: 1);
        Assert.Equal("workflow.create", (string)Assert.Single(paged)!["action"]!);
    }
}
