using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The "GitHub pull request → Slack" template, used as a person would: instantiated, its Slack connection and GitHub
/// secret filled in through the API, enabled, then called by GitHub (a signed pull_request delivery, as GitHub's
/// webhook documentation describes it). A loopback receiver stands in for Slack's incoming webhook.
/// </summary>
public sealed class GitHubTemplateRunTests : IAsyncLifetime
{
    private const string Secret = "github-template-secret";
    private DeskApp Desk { get; } = new();
    private ChannelReceiver _slack = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Desk).InitializeAsync();
        _slack = await ChannelReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await ((IAsyncLifetime)Desk).DisposeAsync();
    }

    /// <summary>A pull_request delivery with the fields the template reads (GitHub sends many more).</summary>
    private static string PullRequest(string action) => new JsonObject
    {
        ["action"] = action,
        ["number"] = 7,
        ["pull_request"] = new JsonObject
        {
            ["number"] = 7,
            ["title"] = "Fix the cart total",
            ["html_url"] = "https://github.com/acme/shop/pull/7",
            ["user"] = new JsonObject { ["login"] = "octocat" },
        },
        ["repository"] = new JsonObject { ["full_name"] = "acme/shop" },
    }.ToJsonString();

    private async Task<JsonObject> DeliverAsync(Guid workflowId, string token, string body)
    {
        using var hook = await Webhooks.PostAsync(Desk, $"/api/webhooks/{workflowId}/{token}", body, headers: new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = "pull_request",
            ["X-GitHub-Delivery"] = Guid.NewGuid().ToString(),
            ["X-Hub-Signature-256"] = WebhookSigning.GitHub(Secret, body),
        });
        var executionId = Guid.Parse((string)(await hook.JsonAsync(HttpStatusCode.Accepted))["executionId"]!);
        return await RunsApi.WaitForStatusAsync(Desk.Viewer, executionId, "Succeeded", "Failed");
    }

    [Fact]
    public async Task An_opened_pull_request_reaches_Slack_once_the_template_s_connection_and_secret_are_filled_in()
    {
        using var used = await Desk.Admin.PostAsync(new Uri("/api/v1/templates/github-pull-request-to-slack/instantiate", UriKind.Relative), null);
        var instance = await used.JsonAsync(HttpStatusCode.Created);
        var workflowId = Guid.Parse((string)instance["mainWorkflowId"]!);
        var toDo = string.Join("\n", instance["toDo"]!.AsArray());
        Assert.Contains("The Slack connection 'slack' was created with example settings and no secrets", toDo, StringComparison.Ordinal);
        Assert.Contains("Secret 'github_webhook_secret' does not exist yet", toDo, StringComparison.Ordinal);
        Assert.Contains("was created disabled", toDo, StringComparison.Ordinal);

        using var filled = await Desk.Admin.PutAsJsonAsync("/api/v1/connections/slack", new
        {
            config = new { allowPrivateNetwork = true },
            secrets = new { webhookUrl = _slack.Url("slack") },
        });
        Assert.True(filled.IsSuccessStatusCode, await filled.Content.ReadAsStringAsync());
        await Webhooks.SetSecretAsync(Desk, "github_webhook_secret", Secret);
        using var enabled = await Desk.Editor.PostAsync(new Uri($"/api/v1/workflows/{workflowId}/enable", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var token = (string)(await Desk.Editor.GetJsonAsync($"/api/v1/workflows/{workflowId}/webhook"))["token"]!;
        var needs = await Desk.Services.GetRequiredService<WorkflowTemplates>().NeedsAsync("github-pull-request-to-slack", CancellationToken.None);
        Assert.Empty(needs!.ToDo);

        var opened = await DeliverAsync(workflowId, token, PullRequest("opened"));
        var closed = await DeliverAsync(workflowId, token, PullRequest("closed"));

        Assert.True((string)opened["status"]! == "Succeeded", opened.ToJsonString());
        Assert.True((string)closed["status"]! == "Succeeded", closed.ToJsonString());
        Assert.Equal("Skipped", (string)closed["steps"]!.AsArray().Single(s => (string)s!["stepId"]! == "post")!["status"]!);
        var posted = Assert.Single(_slack.To("slack"));
        Assert.Equal("Pull request opened in acme/shop by octocat: <https://github.com/acme/shop/pull/7|#7 Fix the cart total>", (string)posted.Json["text"]!);
    }
}
