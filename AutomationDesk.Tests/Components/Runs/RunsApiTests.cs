using AutomationDesk.Tests.Api;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Components.Runs;

[Collection(DeskAppCollection.Name)]
public sealed class RunsApiTests(DeskApp desk)
{
    private const string OneStep = """[ { "id": "a", "type": "transform", "config": { "value": "${trigger.body.who}" } } ]""";
    private const string FailingStep = """[ { "id": "a", "type": "transform", "config": { "value": "${trigger.nothing.here}" } } ]""";

    [Fact]
    public async Task Monitor_stats_count_runs_by_status_with_success_rate_and_durations()
    {
        var api = desk.Admin;
        var before = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/monitor/stats?window=7d", UriKind.Relative)))!;
        var good = await RunsApi.SaveWorkflowAsync(api, "Stats good", OneStep);
        var bad = await RunsApi.SaveWorkflowAsync(api, "Stats bad", FailingStep);
        await RunsApi.WaitForStatusAsync(api, await RunsApi.StartAsync(api, good, new JsonObject { ["who"] = "a" }), "Succeeded");
        await RunsApi.WaitForStatusAsync(api, await RunsApi.StartAsync(api, bad, []), "Failed");

        var stats = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/monitor/stats?window=7d", UriKind.Relative)))!;

        Assert.Equal("7d", stats["window"]!.GetValue<string>());
        Assert.Equal(before["total"]!.GetValue<int>() + 2, stats["total"]!.GetValue<int>());
        Assert.True(stats["byStatus"]!["Failed"]!.GetValue<int>() >= 1);
        Assert.InRange(stats["successRate"]!.GetValue<double>(), 0.0, 0.99);
        Assert.NotNull(stats["p95DurationMs"]);
        Assert.NotNull(stats["averageDurationMs"]);
    }

    [Fact]
    public async Task Monitor_stats_refuse_a_window_that_is_not_hours_or_days()
    {
        var api = desk.Admin;

        using var response = await api.GetAsync(new Uri("/api/v1/monitor/stats?window=fortnight", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("window", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_monitor_dashboard_has_both_windows_24_hours_of_runs_and_recent_failures()
    {
        var api = desk.Admin;
        var bad = await RunsApi.SaveWorkflowAsync(api, "Dashboard bad", FailingStep);
        var failed = await RunsApi.StartAsync(api, bad, []);
        await RunsApi.WaitForStatusAsync(api, failed, "Failed");

        var dashboard = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/monitor/dashboard", UriKind.Relative)))!;

        Assert.Equal("24h", dashboard["day"]!["window"]!.GetValue<string>());
        Assert.Equal("7d", dashboard["week"]!["window"]!.GetValue<string>());
        Assert.Equal(24, dashboard["runsPerHour"]!.AsArray().Count);
        Assert.Contains(dashboard["recentFailures"]!.AsArray(), f => f!["id"]!.GetValue<Guid>() == failed);
        Assert.NotNull(dashboard["unreadNotifications"]);
    }

    [Fact]
    public async Task Monitor_needs_a_signed_in_caller()
    {
        using var anonymous = desk.Anonymous();

        using var response = await anonymous.GetAsync(new Uri("/api/v1/monitor/dashboard", UriKind.Relative));

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, $"got {response.StatusCode}");
    }

    [Fact]
    public async Task Cancel_ends_a_waiting_run_at_once_and_answers_202()
    {
        var api = desk.Admin;
        var workflow = await RunsApi.SaveWorkflowAsync(api, "Long wait", """[ { "id": "wait", "type": "delay", "config": { "duration": "01:00:00" } } ]""");
        var run = await RunsApi.StartAsync(api, workflow, []);
        await RunsApi.WaitForStatusAsync(api, run, "Waiting");

        using var response = await api.PostAsync(new Uri($"/api/v1/executions/{run}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Cancelled", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        var detail = await RunsApi.WaitForStatusAsync(api, run, "Cancelled");
        Assert.Equal("Cancelled", detail["steps"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_a_run_that_has_ended_answers_409_with_its_status()
    {
        var api = desk.Admin;
        var workflow = await RunsApi.SaveWorkflowAsync(api, "Quick", OneStep);
        var run = await RunsApi.StartAsync(api, workflow, new JsonObject { ["who"] = "x" });
        await RunsApi.WaitForStatusAsync(api, run, "Succeeded");

        using var response = await api.PostAsync(new Uri($"/api/v1/executions/{run}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Succeeded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_reads_the_monitor_but_may_not_cancel()
    {
        var api = desk.Admin;
        var workflow = await RunsApi.SaveWorkflowAsync(api, "Viewer wait", """[ { "id": "wait", "type": "delay", "config": { "duration": "01:00:00" } } ]""");
        var run = await RunsApi.StartAsync(api, workflow, []);
        await RunsApi.WaitForStatusAsync(api, run, "Waiting");
        var viewer = desk.Viewer;

        using var dashboard = await viewer.GetAsync(new Uri("/api/v1/monitor/dashboard", UriKind.Relative));
        using var cancel = await viewer.PostAsync(new Uri($"/api/v1/executions/{run}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
        Assert.Equal("Waiting", (await RunsApi.WaitForStatusAsync(api, run, "Waiting"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_an_unknown_run_answers_404()
    {
        var api = desk.Admin;

        using var response = await api.PostAsync(new Uri($"/api/v1/executions/{Guid.NewGuid()}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_executions_list_still_filters_by_business_key_and_status()
    {
        var api = desk.Admin;
        var workflow = await RunsApi.SaveWorkflowAsync(api, "Keyed", OneStep, """{ "keys": { "customer": "${trigger.body.who}" } }""");
        var mine = await RunsApi.StartAsync(api, workflow, new JsonObject { ["who"] = "key-c1" });
        await RunsApi.WaitForStatusAsync(api, await RunsApi.StartAsync(api, workflow, new JsonObject { ["who"] = "key-c2" }), "Succeeded");
        await RunsApi.WaitForStatusAsync(api, mine, "Succeeded");

        var page = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/executions?key.customer=key-c1&status=Succeeded", UriKind.Relative)))!;
        var none = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/executions?key.customer=key-c1&status=Failed", UriKind.Relative)))!;

        Assert.Equal([mine], page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));
        Assert.Equal(0, none["total"]!.GetValue<int>());
    }
}
