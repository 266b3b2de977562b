using System.Net;
using System.Net.Http.Json;
using AutomationDesk.Tests.Components.Runs;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class DeadLetterBulkApiTests(DeskApp desk)
{
    private const string FailingStep = """[ { "id": "a", "type": "transform", "config": { "value": "${trigger.nothing.here}" } } ]""";

    private async Task<Guid> FailedRunAsync(string name)
    {
        var workflow = await RunsApi.SaveWorkflowAsync(desk.Editor, Workflows.UniqueName(name), FailingStep);
        var run = await RunsApi.StartAsync(desk.Editor, workflow, []);
        await RunsApi.WaitForStatusAsync(desk.Editor, run, "Failed");
        return run;
    }

    [Fact]
    public async Task Resuming_several_answers_each_ones_new_run_and_a_run_already_retried_says_so()
    {
        var first = await FailedRunAsync("Bulk resume 1");
        var second = await FailedRunAsync("Bulk resume 2");
        await desk.Editor.PostJsonAsync($"/api/v1/dead-letters/bulk", new { ids = new[] { second }, action = "replay" }, HttpStatusCode.OK);

        var answer = await desk.Editor.PostJsonAsync("/api/v1/dead-letters/bulk", new { ids = new[] { first, second }, action = "resume" }, HttpStatusCode.OK);

        Assert.Equal("resume", (string)answer["action"]!);
        var items = answer["items"]!.AsArray();
        Assert.True((bool)items[0]!["ok"]!);
        Assert.Equal("resumed", (string)items[0]!["outcome"]!);
        var child = ApiAnswers.V7(items[0]!["executionId"]);
        Assert.Equal(first.ToString(), (string)(await desk.Editor.GetJsonAsync($"/api/v1/executions/{child}"))["parentExecutionId"]!);
        Assert.False((bool)items[1]!["ok"]!);
        Assert.Contains("Already retried", (string)items[1]!["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discarding_several_takes_them_off_the_list_and_an_unknown_id_is_reported_alone()
    {
        var run = await FailedRunAsync("Bulk discard");
        var unknown = Guid.CreateVersion7();

        var answer = await desk.Editor.PostJsonAsync("/api/v1/dead-letters/bulk", new { ids = new[] { run, unknown }, action = "discard" }, HttpStatusCode.OK);

        var items = answer["items"]!.AsArray();
        Assert.Equal("discarded", (string)items[0]!["outcome"]!);
        Assert.Contains($"no execution {unknown}", (string)items[1]!["error"]!, StringComparison.Ordinal);
        var listed = await desk.Viewer.GetPageAsync("/api/v1/dead-letters?pageSize=500", pageSize: 500);
        Assert.DoesNotContain(listed, d => (string)d!["id"]! == run.ToString());
    }

    [Fact]
    public async Task More_than_a_hundred_ids_or_an_unknown_action_is_refused_before_anything_changes()
    {
        var run = await FailedRunAsync("Bulk refused");
        var tooMany = Enumerable.Range(0, 100).Select(_ => Guid.CreateVersion7()).Append(run).ToArray();

        using (var response = await desk.Editor.PostAsJsonAsync("/api/v1/dead-letters/bulk", new { ids = tooMany, action = "discard" }))
        {
            Assert.Contains("101 dead letters", (string)(await response.ProblemAsync(HttpStatusCode.BadRequest, "ids"))["detail"]!, StringComparison.Ordinal);
        }
        using (var response = await desk.Editor.PostAsJsonAsync("/api/v1/dead-letters/bulk", new { ids = new[] { run }, action = "delete" }))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest, "action");
        }
        using (var response = await desk.Viewer.PostAsJsonAsync("/api/v1/dead-letters/bulk", new { ids = new[] { run }, action = "discard" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var listed = await desk.Viewer.GetPageAsync("/api/v1/dead-letters?pageSize=500", pageSize: 500);
        Assert.Contains(listed, d => (string)d!["id"]! == run.ToString());
    }
}
