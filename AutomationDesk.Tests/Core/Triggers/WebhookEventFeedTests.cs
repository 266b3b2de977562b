using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class WebhookEventFeedTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private static WebhookRequest Json(string body) => new(
        "POST", "application/json", new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<string>>(), Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task Each_stored_request_is_announced_accepted_or_refused()
    {
        var definition = Workflow(Transform("a", "${webhook.body.n}"));
        definition["trigger"] = new JsonObject { ["type"] = "webhook" };
        var workflowId = await fixture.Desk.SaveAsync(definition);
        string token;
        await using (var db = fixture.Desk.NewDb())
        {
            token = db.Workflows.Single(w => w.Id == workflowId).WebhookToken!;
        }
        var announced = new List<Guid>();
        var feed = fixture.Desk.Get<WebhookEventFeed>();
        void OnStored(Guid id) => announced.Add(id);
        feed.Stored += OnStored;
        try
        {
            var receiver = fixture.Desk.Get<WorkflowWebhookReceiver>();

            var refused = await receiver.ReceiveAsync(workflowId, "wrong", Json("{}"), 2, CancellationToken.None);
            var accepted = await receiver.ReceiveAsync(workflowId, token, Json("""{"n":5}"""), 7, CancellationToken.None);

            Assert.Equal(401, refused.StatusCode);
            Assert.Equal(202, accepted.StatusCode);
            Assert.Equal([refused.EventId, accepted.EventId], announced);
            await fixture.Desk.RunDueWorkAsync();
            var run = await fixture.Desk.ExecutionAsync(accepted.ExecutionId!.Value);
            Assert.Equal("5", run.Steps.Single().OutputJson);
        }
        finally
        {
            feed.Stored -= OnStored;
        }
    }
}
