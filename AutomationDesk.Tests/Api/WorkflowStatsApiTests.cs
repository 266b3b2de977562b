using System.Net;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class WorkflowStatsApiTests(DeskApp desk)
{
    [Fact]
    public async Task Stats_answer_the_contract_names_for_a_workflow_that_ran()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Stats"), $"stats-{Guid.NewGuid():N}"));
        var id = ApiAnswers.V7(workflow["id"]);
        await Workflows.RunAsync(desk.Editor, id, new { customer = "ada" });

        using var response = await desk.Viewer.GetAsync($"/api/v1/workflows/{id}/stats?window=30d");
        var stats = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(["runs", "successRate", "p50Ms", "p95Ms", "perDay", "slowestSteps", "topErrors"], stats.Select(p => p.Key));
        Assert.Equal(1, (int)stats["runs"]!);
        Assert.Equal(1.0, (double)stats["successRate"]!);
        var perDay = stats["perDay"]!.AsArray();
        Assert.Equal(30, perDay.Count);
        Assert.Equal(["date", "succeeded", "failed", "other", "p50Ms", "p95Ms"], perDay[^1]!.AsObject().Select(p => p.Key));
        Assert.Equal(1, (int)perDay[^1]!["succeeded"]!);
        Assert.Equal(["save", "shape"], stats["slowestSteps"]!.AsArray().Select(s => (string)s!["stepId"]!).Order());
        Assert.Empty(stats["topErrors"]!.AsArray());
    }

    [Theory]
    [InlineData("120d")]
    [InlineData("24h")]
    [InlineData("week")]
    public async Task A_window_that_is_not_1_to_90_days_is_refused_naming_it(string window)
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Webhooks.Echo());

        using var response = await desk.Viewer.GetAsync($"/api/v1/workflows/{ApiAnswers.V7(workflow["id"])}/stats?window={window}");
        var problem = await response.JsonAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["window"]);
    }

    [Fact]
    public async Task Stats_of_an_unknown_workflow_are_not_found()
    {
        using var response = await desk.Viewer.GetAsync($"/api/v1/workflows/{Guid.CreateVersion7()}/stats");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
