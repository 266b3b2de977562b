using System.Net;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class CollectionsApiTests(DeskApp desk)
{
    [Fact]
    public async Task Records_written_by_runs_are_listed_by_collection_and_searchable()
    {
        var collection = $"orders_{Guid.NewGuid():N}";
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Recorder"), collection));
        var id = ApiAnswers.V7(workflow["id"]);
        var first = await Workflows.RunAsync(desk.Editor, id, new { customer = "alice", amount = 10 });
        await Workflows.RunAsync(desk.Editor, id, new { customer = "bob", amount = 20 });

        var collections = await desk.Viewer.GetPageAsync($"/api/v1/collections?q={collection}");
        var listed = Assert.Single(collections)!;
        Assert.Equal(collection, (string)listed["name"]!);
        Assert.Equal(2, (int)listed["records"]!);
        Assert.NotNull(listed["lastWrittenAt"]);

        var records = await desk.Viewer.GetPageAsync($"/api/v1/collections/{collection}/records");
        Assert.Equal(["bob", "alice"], records.Select(r => (string)r!["data"]!["customer"]!)); // newest first
        var alice = records[1]!;
        Assert.Equal((string)first["id"]!, (string)alice["executionId"]!);
        Assert.Equal(collection, (string)alice["collection"]!);
        Assert.Equal((string)first["steps"]![0]!["output"]!["id"]!, (string)alice["id"]!);

        var searched = await desk.Viewer.GetPageAsync($"/api/v1/collections/{collection}/records?q=alice");
        Assert.Equal(["alice"], searched.Select(r => (string)r!["data"]!["customer"]!));
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/collections/{collection}/records?q=carol"));
    }

    [Fact]
    public async Task The_collections_list_pages_in_name_order()
    {
        var prefix = $"paged_{Guid.NewGuid():N}";
        foreach (var collection in new[] { $"{prefix}_b", $"{prefix}_a" })
        {
            var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Pager"), collection));
            await Workflows.RunAsync(desk.Editor, ApiAnswers.V7(workflow["id"]), new { customer = "c1" });
        }

        using var first = await desk.Viewer.GetAsync($"/api/v1/collections?q={prefix}&pageSize=1");
        var body = await first.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)body["total"]!);
        Assert.Equal($"{prefix}_a", (string)Assert.Single(body["items"]!.AsArray())!["name"]!);
        var second = await desk.Viewer.GetPageAsync($"/api/v1/collections?q={prefix}&pageSize=1&page=2", page: 2, pageSize: 1);
        Assert.Equal($"{prefix}_b", (string)Assert.Single(second)!["name"]!);
    }
}
