using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class WebhookDefinitionTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private static JsonObject WithWebhook(JsonObject webhook)
    {
        var definition = Workflow(Transform("a", 1));
        definition["trigger"] = new JsonObject { ["type"] = "webhook", ["webhook"] = webhook };
        return definition;
    }

    private IReadOnlyDictionary<string, string[]> Refusal(JsonObject webhook) =>
        Assert.Throws<WorkflowValidationException>(() => fixture.Desk.Get<WorkflowDefinitionReader>().Read(WithWebhook(webhook).ToJsonString())).Errors;

    [Fact]
    public void An_idempotency_key_that_names_neither_a_header_nor_a_body_path_is_refused()
    {
        Assert.Contains("trigger.webhook.idempotencyKey", Refusal(new JsonObject { ["idempotencyKey"] = "Idempotency-Key" }).Keys);
        Assert.Contains("trigger.webhook.idempotencyKey", Refusal(new JsonObject { ["idempotencyKey"] = "header:" }).Keys);
        Assert.Contains("trigger.webhook.idempotencyKey", Refusal(new JsonObject { ["idempotencyKey"] = "body:" }).Keys);
    }

    [Fact]
    public void A_signature_without_a_secret_or_with_no_tolerance_is_refused()
    {
        var errors = Refusal(new JsonObject { ["signature"] = new JsonObject { ["scheme"] = "stripe", ["secret"] = " ", ["toleranceSeconds"] = 0 } });

        Assert.Contains("trigger.webhook.signature.secret", errors.Keys);
        Assert.Contains("trigger.webhook.signature.toleranceSeconds", errors.Keys);
    }

    [Fact]
    public void A_respond_timeout_past_five_minutes_is_refused()
    {
        Assert.Contains("trigger.webhook.respondTimeout", Refusal(new JsonObject { ["respond"] = "completed", ["respondTimeout"] = "00:06:00" }).Keys);
    }

    [Fact]
    public async Task A_webhook_workflow_gets_a_token_when_it_is_created_or_switched_to_webhook()
    {
        var manual = Workflow(Transform("a", 1));
        var created = await fixture.Desk.SaveAsync(WithWebhook(new JsonObject { ["idempotencyKey"] = "body:data.id" }));
        var switched = await fixture.Desk.SaveAsync(manual);
        await using (var db = fixture.Desk.NewDb())
        {
            Assert.Null(db.Workflows.Single(w => w.Id == switched).WebhookToken);
        }

        await fixture.Desk.Get<WorkflowStore>().UpdateAsync(switched, WithWebhook([]).ToJsonString(), AutomationDesk.Core.Auditing.Actor.System, CancellationToken.None);

        await using var check = fixture.Desk.NewDb();
        Assert.Equal(43, check.Workflows.Single(w => w.Id == created).WebhookToken!.Length);
        Assert.Equal(43, check.Workflows.Single(w => w.Id == switched).WebhookToken!.Length);
    }
}
