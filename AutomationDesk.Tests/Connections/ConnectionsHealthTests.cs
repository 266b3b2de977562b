using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Api;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Jobs;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Connections;

[Collection(ConnectionsDeskCollection.Name)]
public sealed class ConnectionsHealthTests(ConnectionsDesk desk)
{
    private DeskApp App => desk.App;

    private async Task<JsonNode> ReadinessCheckAsync(HttpClient client)
    {
        using var ready = await client.GetAsync("/health/ready");
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        return body["checks"]!["connections"]!;
    }

    [Fact]
    public async Task Readiness_is_degraded_naming_a_failing_connection_to_signed_in_callers_only_until_it_passes_again()
    {
        var name = ConnectionsDesk.UniqueName("ready");
        await desk.CreateAsync(name, token: "wrong-token-for-readiness");
        await App.Editor.PostJsonAsync($"/api/v1/connections/{name}/test", new { }, HttpStatusCode.OK);

        var signedIn = await ReadinessCheckAsync(App.Viewer);
        Assert.Equal("Degraded", (string)signedIn["status"]!);
        Assert.Contains(name, (string)signedIn["description"]!, StringComparison.Ordinal);
        Assert.Contains(name, signedIn["data"]!.ToJsonString(), StringComparison.Ordinal);
        using (var anonymous = App.Anonymous())
        {
            var outside = await ReadinessCheckAsync(anonymous);
            Assert.Equal("Degraded", (string)outside["status"]!);
            Assert.DoesNotContain(name, outside.ToJsonString(), StringComparison.Ordinal);
        }

        using (var fixedToken = await App.Admin.PutTextAsync($"/api/v1/connections/{name}", desk.Body(name).ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, fixedToken.StatusCode);
        }
        await App.Editor.PostJsonAsync($"/api/v1/connections/{name}/test", new { }, HttpStatusCode.OK);

        Assert.Equal("Healthy", (string)(await ReadinessCheckAsync(App.Viewer))["status"]!);
    }

    [Fact]
    public async Task The_background_refresh_tests_every_connection_and_tells_open_pages()
    {
        var good = ConnectionsDesk.UniqueName("refresh-good");
        var bad = ConnectionsDesk.UniqueName("refresh-bad");
        await desk.CreateAsync(good);
        await desk.CreateAsync(bad, token: "wrong-token-for-refresh");
        var heard = new List<string>();
        var events = App.Services.GetRequiredService<LiveDeskEvents>();
        void Listen(string name)
        {
            lock (heard)
            {
                heard.Add(name);
            }
        }
        events.ConnectionChanged += Listen;
        try
        {
            using var scope = App.Services.CreateScope();
            var tested = await scope.ServiceProvider.GetRequiredService<ConnectionHealthJob>().ExecuteAsync(CancellationToken.None);

            Assert.True(tested >= 2);
            Assert.Equal("ok", (string)(await App.Viewer.GetJsonAsync($"/api/v1/connections/{good}"))["health"]!);
            var failing = await App.Viewer.GetJsonAsync($"/api/v1/connections/{bad}");
            Assert.Equal("failing", (string)failing["health"]!);
            Assert.Contains("401", (string)failing["detail"]!, StringComparison.Ordinal);
            lock (heard)
            {
                Assert.Contains(good, heard);
                Assert.Contains(bad, heard);
            }
        }
        finally
        {
            events.ConnectionChanged -= Listen;
            using var _ = await App.Admin.DeleteAsync($"/api/v1/connections/{bad}");
        }
    }

    [Fact]
    public void The_refresh_is_a_recurring_job_every_five_minutes_by_default()
    {
        using var storage = App.Services.GetRequiredService<JobStorage>().GetConnection();

        var job = storage.GetRecurringJobs().Single(j => j.Id == ConnectionHealthJob.JobId);

        Assert.Equal("*/5 * * * *", job.Cron);
        Assert.Equal(typeof(ConnectionHealthJob), job.Job.Type);
    }

    [Theory]
    [InlineData("00:05:00", "*/5 * * * *")]
    [InlineData("00:15:00", "*/15 * * * *")]
    [InlineData("06:00:00", "0 */6 * * *")]
    [InlineData("1.00:00:00", "0 0 * * *")]
    public void HealthEvery_becomes_a_cron_with_the_same_pace(string every, string cron)
    {
        var options = new ConnectionHealthOptions { HealthEvery = TimeSpan.Parse(every, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Empty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
        Assert.Equal(cron, options.Cron());
    }

    [Theory]
    [InlineData("00:07:00")]
    [InlineData("00:01:30")]
    [InlineData("05:00:00")]
    public void A_HealthEvery_that_a_cron_cannot_keep_is_refused_naming_the_setting(string every)
    {
        var options = new ConnectionHealthOptions { HealthEvery = TimeSpan.Parse(every, System.Globalization.CultureInfo.InvariantCulture) };

        var problem = Assert.Single(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
        Assert.Contains("Connections:HealthEvery", problem.ErrorMessage, StringComparison.Ordinal);
    }
}
