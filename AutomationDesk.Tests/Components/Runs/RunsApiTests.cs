using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class RunsApiTests(RunsApiDesk desk) : IClassFixture<RunsApiDesk>
{
    private const string OneStep = """[ { "id": "a", "type": "transform", "config": { "value": "${trigger.body.who}" } } ]""";
    private const string FailingStep = """[ { "id": "a", "type": "transform", "config": { "value": "${trigger.nothing.here}" } } ]""";

    [Fact]
    public async Task Monitor_stats_count_runs_by_status_with_success_rate_and_durations()
    {
        using var api = desk.Api();
        var before = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/monitor/stats?window=7d", UriKind.Relative)))!;
        var good = await RunsApiDesk.SaveWorkflowAsync(api, "Stats good", OneStep);
        var bad = await RunsApiDesk.SaveWorkflowAsync(api, "Stats bad", FailingStep);
        await RunsApiDesk.WaitForStatusAsync(api, await RunsApiDesk.StartAsync(api, good, new JsonObject { ["who"] = "a" }), "Succeeded");
        await RunsApiDesk.WaitForStatusAsync(api, await RunsApiDesk.StartAsync(api, bad, []), "Failed");

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
        using var api = desk.Api();

        using var response = await api.GetAsync(new Uri("/api/v1/monitor/stats?window=fortnight", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("window", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_monitor_dashboard_has_both_windows_24_hours_of_runs_and_recent_failures()
    {
        using var api = desk.Api();
        var bad = await RunsApiDesk.SaveWorkflowAsync(api, "Dashboard bad", FailingStep);
        var failed = await RunsApiDesk.StartAsync(api, bad, []);
        await RunsApiDesk.WaitForStatusAsync(api, failed, "Failed");

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
        using var anonymous = desk.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await anonymous.GetAsync(new Uri("/api/v1/monitor/dashboard", UriKind.Relative));

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, $"got {response.StatusCode}");
    }

    [Fact]
    public async Task Cancel_ends_a_waiting_run_at_once_and_answers_202()
    {
        using var api = desk.Api();
        var workflow = await RunsApiDesk.SaveWorkflowAsync(api, "Long wait", """[ { "id": "wait", "type": "delay", "config": { "duration": "01:00:00" } } ]""");
        var run = await RunsApiDesk.StartAsync(api, workflow, []);
        await RunsApiDesk.WaitForStatusAsync(api, run, "Waiting");

        using var response = await api.PostAsync(new Uri($"/api/v1/executions/{run}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Cancelled", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        var detail = await RunsApiDesk.WaitForStatusAsync(api, run, "Cancelled");
        Assert.Equal("Cancelled", detail["steps"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_a_run_that_has_ended_answers_409_with_its_status()
    {
        using var api = desk.Api();
        var workflow = await RunsApiDesk.SaveWorkflowAsync(api, "Quick", OneStep);
        var run = await RunsApiDesk.StartAsync(api, workflow, new JsonObject { ["who"] = "x" });
        await RunsApiDesk.WaitForStatusAsync(api, run, "Succeeded");

        using var response = await api.PostAsync(new Uri($"/api/v1/executions/{run}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Succeeded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_reads_the_monitor_but_may_not_cancel()
    {
        using var api = desk.Api();
        var workflow = await RunsApiDesk.SaveWorkflowAsync(api, "Viewer wait", """[ { "id": "wait", "type": "delay", "config": { "duration": "01:00:00" } } ]""");
        var run = await RunsApiDesk.StartAsync(api, workflow, []);
        await RunsApiDesk.WaitForStatusAsync(api, run, "Waiting");
        using var viewer = await desk.ViewerAsync();

        using var dashboard = await viewer.GetAsync(new Uri("/api/v1/monitor/dashboard", UriKind.Relative));
        using var cancel = await viewer.PostAsync(new Uri($"/api/v1/executions/{run}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
        Assert.Equal("Waiting", (await RunsApiDesk.WaitForStatusAsync(api, run, "Waiting"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_an_unknown_run_answers_404()
    {
        using var api = desk.Api();

        using var response = await api.PostAsync(new Uri($"/api/v1/executions/{Guid.NewGuid()}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_executions_list_still_filters_by_business_key_and_status()
    {
        using var api = desk.Api();
        var workflow = await RunsApiDesk.SaveWorkflowAsync(api, "Keyed", OneStep, """{ "keys": { "customer": "${trigger.body.who}" } }""");
        var mine = await RunsApiDesk.StartAsync(api, workflow, new JsonObject { ["who"] = "key-c1" });
        await RunsApiDesk.WaitForStatusAsync(api, await RunsApiDesk.StartAsync(api, workflow, new JsonObject { ["who"] = "key-c2" }), "Succeeded");
        await RunsApiDesk.WaitForStatusAsync(api, mine, "Succeeded");

        var page = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/executions?key.customer=key-c1&status=Succeeded", UriKind.Relative)))!;
        var none = (await api.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/executions?key.customer=key-c1&status=Failed", UriKind.Relative)))!;

        Assert.Equal([mine], page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));
        Assert.Equal(0, none["total"]!.GetValue<int>());
    }
}
