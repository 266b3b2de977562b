using System.Net;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>A page past the last one is an empty page with the page number asked for, never the first page again.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class PagingBeyondTheEndTests(DeskApp desk)
{
    private async Task<JsonObject> PageAsync(string path)
    {
        using var response = await desk.Admin.GetAsync(path);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(50_000_000)]
    [InlineData(int.MaxValue)]
    public async Task A_workflow_page_past_the_last_one_is_empty(int page)
    {
        var tag = "paging" + Guid.NewGuid().ToString("N")[..8];
        await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Paged"), "paged", tag));

        var answer = await PageAsync($"/api/v1/workflows?tag={tag}&page={page}&pageSize=50");

        Assert.Empty(answer["items"]!.AsArray());
        Assert.Equal(page, (int)answer["page"]!);
        Assert.Equal(1, (int)answer["total"]!);
    }

    [Fact]
    public async Task A_secrets_page_far_past_the_last_one_is_empty()
    {
        using (var put = await desk.Admin.PutTextAsync($"/api/v1/secrets/paging_{Guid.NewGuid():N}", """{ "value": "a-long-enough-secret" }"""))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var answer = await PageAsync("/api/v1/secrets?page=50000000&pageSize=50");

        Assert.Empty(answer["items"]!.AsArray());
        Assert.True((int)answer["total"]! >= 1);
    }
}
