using System.Net;
using AutomationDesk.Tests.Components.Runs;

namespace AutomationDesk.Tests.Api;

/// <summary>A failed run retried once answers 409 naming that retry when it is retried again, unless the caller says force=true.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class RetryTwiceApiTests(DeskApp desk)
{
    private const string FailingStep = """[ { "id": "a", "type": "transform", "config": { "value": "${trigger.nothing.here}" } } ]""";

    private async Task<Guid> FailedRunAsync(string name)
    {
        var workflow = await RunsApi.SaveWorkflowAsync(desk.Editor, Workflows.UniqueName(name), FailingStep);
        var run = await RunsApi.StartAsync(desk.Editor, workflow, []);
        await RunsApi.WaitForStatusAsync(desk.Editor, run, "Failed");
        return run;
    }

    private async Task<Guid> RetryAsync(string path)
    {
        using var response = await desk.Editor.PostAsync(new Uri(path, UriKind.Relative), null);
        return ApiAnswers.V7((await response.JsonAsync(HttpStatusCode.Accepted))["id"]);
    }

    [Fact]
    public async Task A_second_retry_is_a_409_naming_the_first_and_force_starts_it()
    {
        var run = await FailedRunAsync("Retried twice");
        var first = await RetryAsync($"/api/v1/executions/{run}/retry?from=start");

        using (var again = await desk.Editor.PostAsync(new Uri($"/api/v1/executions/{run}/retry?from=failed", UriKind.Relative), null))
        {
            var problem = await again.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains($"Already retried by run {first}", (string)problem["detail"]!, StringComparison.Ordinal);
        }

        var forced = await RetryAsync($"/api/v1/executions/{run}/retry?from=start&force=true");

        Assert.NotEqual(first, forced);
        var detail = await desk.Editor.GetJsonAsync($"/api/v1/executions/{forced}");
        Assert.Equal(run.ToString(), (string)detail["parentExecutionId"]!);
    }

    [Fact]
    public async Task The_plan_lists_the_earlier_retry_with_its_status_and_a_warning()
    {
        var run = await FailedRunAsync("Plan after retry");
        var before = await desk.Editor.GetJsonAsync($"/api/v1/executions/{run}/retry-plan?from=start");
        Assert.Empty(before["earlierRetries"]!.AsArray());
        Assert.Null(before["warning"]);

        var first = await RetryAsync($"/api/v1/executions/{run}/retry?from=start");
        var plan = await desk.Editor.GetJsonAsync($"/api/v1/executions/{run}/retry-plan?from=start");

        var earlier = Assert.Single(plan["earlierRetries"]!.AsArray())!;
        Assert.Equal(first.ToString(), (string)earlier["executionId"]!);
        Assert.NotNull(earlier["status"]);
        Assert.StartsWith($"Already retried by run {first}", (string)plan["warning"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dead_letters_replay_route_shows_the_same_refusal_and_takes_force()
    {
        var run = await FailedRunAsync("Dead letter replayed twice");
        var first = await RetryAsync($"/api/v1/dead-letters/{run}/replay");

        using (var again = await desk.Editor.PostAsync(new Uri($"/api/v1/dead-letters/{run}/replay", UriKind.Relative), null))
        {
            var problem = await again.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains(first.ToString(), (string)problem["detail"]!, StringComparison.Ordinal);
        }

        Assert.NotEqual(first, await RetryAsync($"/api/v1/dead-letters/{run}/replay?force=true"));
    }
}
