using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;

namespace AutomationDesk.Tests.Components.Runs;

[Collection(DeskAppCollection.Name)]
public sealed class DeadLettersApiTests(DeskApp desk)
{
    private const string FailingStep = """[ { "id": "a", "type": "transform", "config": { "value": "${trigger.nothing.here}" } } ]""";

    private async Task<Guid> FailedRunAsync(string name)
    {
        var workflow = await RunsApi.SaveWorkflowAsync(desk.Admin, AutomationDesk.Tests.Api.Workflows.UniqueName(name), FailingStep);
        var run = await RunsApi.StartAsync(desk.Admin, workflow, []);
        await RunsApi.WaitForStatusAsync(desk.Admin, run, "Failed");
        return run;
    }

    [Fact]
    public async Task A_failed_run_is_listed_until_it_is_discarded()
    {
        var run = await FailedRunAsync("Dead letter listed");

        var listed = await desk.Admin.GetPageAsync("/api/v1/dead-letters?pageSize=500", pageSize: 500);
        Assert.Contains(listed, d => d!["id"]!.GetValue<Guid>() == run && d["failedStepId"]!.GetValue<string>() == "a");

        using var discard = await desk.Admin.PostAsync(new Uri($"/api/v1/dead-letters/{run}/discard", UriKind.Relative), null);
        await discard.JsonAsync(HttpStatusCode.OK);

        var after = await desk.Admin.GetPageAsync("/api/v1/dead-letters?pageSize=500", pageSize: 500);
        Assert.DoesNotContain(after, d => d!["id"]!.GetValue<Guid>() == run);
    }

    [Fact]
    public async Task Retry_answers_202_with_a_child_run_whose_parent_is_the_original()
    {
        var run = await FailedRunAsync("Dead letter replayed");

        var plan = await desk.Admin.GetJsonAsync($"/api/v1/executions/{run}/retry-plan?from=failed");
        using var response = await desk.Admin.PostAsync(new Uri($"/api/v1/executions/{run}/retry?from=start", UriKind.Relative), null);
        var child = await response.JsonAsync(HttpStatusCode.Accepted);

        Assert.True(plan["steps"]!.AsArray().Single()!["runsAgain"]!.GetValue<bool>());
        Assert.Equal(run, child["parentExecutionId"]!.GetValue<Guid>());
        Assert.Equal($"/api/v1/executions/{child["id"]}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Retry_from_an_unknown_place_is_refused_naming_from_and_a_viewer_may_not_retry()
    {
        var run = await FailedRunAsync("Dead letter refused");

        using var bogus = await desk.Admin.PostAsync(new Uri($"/api/v1/executions/{run}/retry?from=middle", UriKind.Relative), null);
        await bogus.ProblemAsync(HttpStatusCode.BadRequest, "from");
        using var viewer = await desk.Viewer.PostAsync(new Uri($"/api/v1/executions/{run}/retry", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        using var missing = await desk.Admin.PostAsync(new Uri($"/api/v1/executions/{Guid.NewGuid()}/retry", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
