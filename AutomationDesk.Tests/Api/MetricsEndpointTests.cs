using System.Net;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Web;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class MetricsEndpointTests(DeskApp desk)
{
    private const string Executions = "desk_executions_total";

    [Fact]
    public async Task Metrics_without_an_api_key_or_sign_in_are_refused()
    {
        using var anonymous = desk.Anonymous();

        using var response = await anonymous.GetAsync(DeskTelemetry.MetricsPath);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_the_names_api_md_lists()
    {
        var metrics = await ScrapeAsync(desk.Viewer);

        Assert.Equal("counter", metrics.Types["desk_executions_total"]);
        Assert.Equal("histogram", metrics.Types["desk_execution_duration_seconds"]);
        Assert.Equal("histogram", metrics.Types["desk_step_duration_seconds"]);
        Assert.Equal("gauge", metrics.Types["desk_queue_depth"]);
        Assert.Equal("counter", metrics.Types["desk_webhook_requests_total"]);
        Assert.Contains(metrics.Types.Keys, name => name.StartsWith("http_server_request_duration", StringComparison.Ordinal));
        Assert.Contains(metrics.Types.Keys, name => name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_finished_run_is_counted_once_with_its_workflow_and_status()
    {
        var name = Workflows.UniqueName("Metered");
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(name, $"metered-{Guid.NewGuid():N}"));
        var before = await ScrapeAsync(desk.Viewer);

        await Workflows.RunAsync(desk.Editor, ApiAnswers.V7(workflow["id"]), new { customer = "ada" });
        var after = await ScrapeAsync(desk.Viewer);

        Assert.Equal(0, before.ValueOf(Executions, ("workflow", name), ("status", "Succeeded"), ("dry_run", "false")));
        Assert.Equal(1, after.ValueOf(Executions, ("workflow", name), ("status", "Succeeded"), ("dry_run", "false")));
        Assert.Equal(0, after.ValueOf(Executions, ("workflow", name), ("status", "Failed"), ("dry_run", "false")));
        Assert.Equal(1, after.ValueOf("desk_execution_duration_seconds_count", ("workflow", name), ("status", "Succeeded")));
        Assert.Equal(1, after.SumOf("desk_step_duration_seconds_count", ("type", "record.create"))
            - before.SumOf("desk_step_duration_seconds_count", ("type", "record.create")));
    }

    [Fact]
    public async Task Webhook_requests_are_counted_by_outcome()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        var before = await ScrapeAsync(desk.Viewer);

        using (var accepted = await Webhooks.PostAsync(desk, hook.Path, """{"n":1}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        using (var refused = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/not-the-token", """{"n":2}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var after = await ScrapeAsync(desk.Viewer);

        Assert.True(1 == Delta(before, after, WebhookOutcomes.Accepted), string.Join("\n", after.Lines("desk_webhook")));
        Assert.Equal(1, Delta(before, after, WebhookOutcomes.Unauthorized));
        Assert.Equal(0, Delta(before, after, WebhookOutcomes.Duplicate));
    }

    private static double Delta(PrometheusText before, PrometheusText after, string outcome) =>
        after.ValueOf("desk_webhook_requests_total", ("outcome", outcome)) - before.ValueOf("desk_webhook_requests_total", ("outcome", outcome));

    internal static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(DeskTelemetry.MetricsPath);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(text);
    }
}
