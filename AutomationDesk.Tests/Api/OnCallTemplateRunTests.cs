using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Tests.Core.Connections;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The "error workflow that pages on-call" template, filled in and run: the example job fails against a loopback API,
/// its <c>settings.onFailure</c> starts "Page on-call", which opens a PagerDuty incident (a loopback double of
/// PagerDuty's REST API v2 <c>POST /incidents</c>, as its API reference describes it) and emails on-call.
/// </summary>
public sealed class OnCallTemplateRunTests : IAsyncLifetime
{
    private const string ApiKey = "pagerduty-key-0123456";
    private DeskApp Desk { get; } = new();
    private LoopbackServer _services = null!;
    private SmtpTestServer _smtp = null!;
    private readonly ConcurrentQueue<(string Authorization, string From, JsonObject Body)> _incidents = new();

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Desk).InitializeAsync();
        _smtp = await SmtpTestServer.StartAsync();
        _services = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/api/export", () => Results.BadRequest(new { error = "the export bucket is gone" }));
            app.MapPost("/pd/incidents", async (HttpContext context) =>
            {
                var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
                _incidents.Enqueue((context.Request.Headers.Authorization.ToString(), context.Request.Headers["From"].ToString(), body));
                return Results.Json(new { incident = new { id = "PINC0001", type = "incident" } }, statusCode: 201);
            });
        });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _smtp.DisposeAsync();
        await ((IAsyncLifetime)Desk).DisposeAsync();
    }

    private async Task FillAsync(string connection, object body)
    {
        using var response = await Desk.Admin.PutAsJsonAsync($"/api/v1/connections/{connection}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The first run of a workflow once it has ended; a bounded wait for the error workflow the failure starts.</summary>
    private async Task<JsonObject> FirstRunAsync(Guid workflowId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (await Webhooks.RunsOfAsync(Desk, workflowId) is not [_, ..])
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"No run of workflow {workflowId} started: settings.onFailure did not start the error workflow.");
            }
            // Polling the condition (bounded by the deadline); the pause only spares the shared CPU.
            await Task.Delay(50);
        }
        var runs = await Webhooks.RunsOfAsync(Desk, workflowId);
        return await RunsApi.WaitForStatusAsync(Desk.Viewer, Guid.Parse((string)runs[0]!["id"]!), "Succeeded", "Failed");
    }

    [Fact]
    public async Task A_failed_job_pages_on_call_through_PagerDuty_and_email_once_the_template_s_connections_are_filled_in()
    {
        using var used = await Desk.Admin.PostAsync(new Uri("/api/v1/templates/error-workflow-pages-on-call/instantiate", UriKind.Relative), null);
        var instance = await used.JsonAsync(HttpStatusCode.Created);
        var pagerId = Guid.Parse((string)instance["mainWorkflowId"]!);
        var jobId = Guid.Parse((string)instance["workflows"]![1]!["id"]!);
        await FillAsync("pagerduty", new { config = new { baseUrl = _services.Url("/pd"), allowPrivateNetwork = true }, secrets = new { apiKey = ApiKey } });
        var mail = MailConnections.Server(_smtp.Port);
        mail["from"] = "Desk alerts <alerts@desk.test>";
        await FillAsync("mail", new { config = mail });
        await FillAsync("api", new { config = new { baseUrl = _services.Url("/api"), auth = "none", allowPrivateNetwork = true } });
        using var enabled = await Desk.Editor.PostAsync(new Uri($"/api/v1/workflows/{jobId}/enable", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);

        var failedId = await RunsApi.StartAsync(Desk.Editor, jobId, new JsonObject());
        var failed = await RunsApi.WaitForStatusAsync(Desk.Viewer, failedId, "Succeeded", "Failed");
        var page = await FirstRunAsync(pagerId);

        Assert.Equal("Failed", (string)failed["status"]!);
        Assert.True((string)page["status"]! == "Succeeded", page.ToJsonString());
        var (authorization, from, body) = Assert.Single(_incidents);
        Assert.Equal(($"Token token={ApiKey}", "oncall-bot@example.com"), (authorization, from));
        var incident = body["incident"]!;
        Assert.StartsWith("Workflow 'Nightly export (pages on failure)' failed: ", (string)incident["title"]!, StringComparison.Ordinal);
        Assert.Equal(("PXXXXXX", "service_reference"), ((string)incident["service"]!["id"]!, (string)incident["service"]!["type"]!));
        Assert.Equal($"automationdesk-{failedId}", (string)incident["incident_key"]!);
        var email = Assert.Single(_smtp.Accepted);
        Assert.Equal(["oncall@example.com"], email.Recipients);
        Assert.Equal("[desk] 'Nightly export (pages on failure)' failed", email.Message.Subject);
    }
}
