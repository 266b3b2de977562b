using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public class WebhookReceiverTests(DeskApp desk)
{
    private static Guid ExecutionId(JsonObject answer) => Guid.Parse((string)answer["executionId"]!);

    [Fact]
    public async Task A_json_post_starts_a_run_whose_trigger_is_the_request_under_trigger_and_webhook()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using var response = await Webhooks.PostAsync(desk, hook.Path + "?source=shop&tag=a&tag=b", """{"customer":"c-1","amount":42}""",
            headers: new Dictionary<string, string> { ["X-Test"] = "yes", ["Authorization"] = "Bearer private", ["Cookie"] = "session=private" });

        var accepted = await response.AcceptedAsync();
        var run = await RunsApi.WaitForStatusAsync(desk.Viewer, ExecutionId(accepted), "Succeeded");
        Assert.Equal("webhook", (string)run["trigger"]!["kind"]!);
        var output = run["output"]!;
        Assert.Equal("c-1", (string)output["body"]!["customer"]!);
        Assert.Equal(42, (int)output["aliasBody"]!["amount"]!);
        Assert.Equal("yes", (string)output["headers"]!["x-test"]!);
        Assert.Equal("Bearer ***", (string)output["headers"]!["authorization"]!);
        Assert.Equal("session=***", (string)output["headers"]!["cookie"]!);
        Assert.DoesNotContain("private", run.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("shop", (string)output["query"]!["source"]!);
        Assert.Equal(["a", "b"], output["query"]!["tag"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("POST", (string)output["method"]!);
    }

    [Fact]
    public async Task A_form_post_reaches_the_run_as_an_object_and_plain_text_as_text()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using var form = await Webhooks.PostAsync(desk, hook.Path, "name=Ada+L&city=Z%C3%BCrich", "application/x-www-form-urlencoded");
        using var text = await Webhooks.PostAsync(desk, hook.Path, "just words", "text/plain");

        var formRun = await RunsApi.WaitForStatusAsync(desk.Viewer, ExecutionId(await form.AcceptedAsync()), "Succeeded");
        var textRun = await RunsApi.WaitForStatusAsync(desk.Viewer, ExecutionId(await text.AcceptedAsync()), "Succeeded");
        Assert.Equal("Ada L", (string)formRun["output"]!["body"]!["name"]!);
        Assert.Equal("Zürich", (string)formRun["output"]!["body"]!["city"]!);
        Assert.Equal("just words", (string)textRun["output"]!["body"]!);
    }

    [Fact]
    public async Task Any_other_content_type_and_a_json_suffix_type_are_taken()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using var xml = await Webhooks.PostAsync(desk, hook.Path, "<order id=\"7\"/>", "application/xml");
        using var vendorJson = await Webhooks.PostAsync(desk, hook.Path, """{"data":{"id":"1"}}""", "application/vnd.api+json");

        var xmlRun = await RunsApi.WaitForStatusAsync(desk.Viewer, ExecutionId(await xml.AcceptedAsync()), "Succeeded");
        var jsonRun = await RunsApi.WaitForStatusAsync(desk.Viewer, ExecutionId(await vendorJson.AcceptedAsync()), "Succeeded");
        Assert.Equal("<order id=\"7\"/>", (string)xmlRun["output"]!["body"]!);
        Assert.Equal("1", (string)jsonRun["output"]!["body"]!["data"]!["id"]!);
    }

    [Fact]
    public async Task Unknown_disabled_and_non_webhook_workflows_answer_404_and_start_nothing()
    {
        var disabled = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        using (var off = await desk.Editor.PostAsync($"/api/v1/workflows/{disabled.WorkflowId}/disable", null))
        {
            off.EnsureSuccessStatusCode();
        }
        var manual = Webhooks.Echo();
        manual["trigger"] = new JsonObject { ["type"] = "manual" };
        var manualId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, manual))["id"]);

        using var unknown = await Webhooks.PostAsync(desk, $"/api/webhooks/{Guid.CreateVersion7()}/{disabled.Token}", "{}");
        using var whenDisabled = await Webhooks.PostAsync(desk, disabled.Path, "{}");
        using var notWebhook = await Webhooks.PostAsync(desk, $"/api/webhooks/{manualId}/{disabled.Token}", "{}");

        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        await whenDisabled.ProblemAsync(HttpStatusCode.NotFound);
        await notWebhook.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, disabled.WorkflowId));
        Assert.Empty(await Webhooks.RunsOfAsync(desk, manualId));
        using var address = await desk.Editor.GetAsync($"/api/v1/workflows/{manualId}/webhook");
        await address.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_token_answers_401_and_is_logged_as_refused()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using var response = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/{hook.Token[..^1]}x", """{"a":1}""");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
        var logged = Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!;
        Assert.Equal(401, (int)logged["statusCode"]!);
        Assert.Equal("refused", (string)logged["status"]!);
        Assert.Contains("token", (string)logged["reason"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_workflows_limit_answers_413_with_or_without_a_declared_length_and_keeps_no_body()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject { ["maxBodyBytes"] = 64 }));
        var big = $$"""{"text":"{{new string('x', 100)}}"}""";
        var fits = $$"""{"text":"{{new string('x', 40)}}"}""";

        using var declared = await Webhooks.PostAsync(desk, hook.Path, big);
        using var client = desk.Anonymous();
        using var unsized = await client.PostAsync(hook.Path, new Webhooks.UnsizedContent(Encoding.UTF8.GetBytes(big)));
        using var small = await Webhooks.PostAsync(desk, hook.Path, fits);

        await declared.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await unsized.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await small.AcceptedAsync();
        Assert.Single(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
        var refused = (await Webhooks.EventsOfAsync(desk, hook.WorkflowId)).Where(e => (int)e!["statusCode"]! == 413).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, e => Assert.False((bool)e!["bodyStored"]!));
        var detail = await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{refused[0]!["id"]}");
        Assert.Null(detail["body"]);
    }

    [Fact]
    public async Task Malformed_json_sent_as_json_answers_400_and_starts_nothing()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using var response = await Webhooks.PostAsync(desk, hook.Path, """{"customer": """);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }

    [Fact]
    public async Task An_hmac_signed_webhook_takes_the_right_signature_and_refuses_a_wrong_one()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject
        {
            ["signature"] = new JsonObject { ["scheme"] = "hmac-sha256", ["header"] = "X-Hub-Signature-256", ["secret"] = "gh-secret" },
        }));
        const string body = """{"action":"opened"}""";

        using var good = await Webhooks.PostAsync(desk, hook.Path, body, headers: new Dictionary<string, string> { ["X-Hub-Signature-256"] = WebhookSigning.GitHub("gh-secret", body) });
        using var bad = await Webhooks.PostAsync(desk, hook.Path, body, headers: new Dictionary<string, string> { ["X-Hub-Signature-256"] = WebhookSigning.GitHub("other", body) });
        using var missing = await Webhooks.PostAsync(desk, hook.Path, body);

        await good.AcceptedAsync();
        await bad.ProblemAsync(HttpStatusCode.Unauthorized);
        await missing.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Single(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }

    [Fact]
    public async Task A_stripe_signed_webhook_with_its_secret_in_the_store_refuses_a_bad_or_stale_signature()
    {
        var secretName = $"stripe{Guid.NewGuid():N}";
        await Webhooks.SetSecretAsync(desk, secretName, "whsec_stripe_test");
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject
        {
            ["signature"] = new JsonObject { ["scheme"] = "stripe", ["header"] = "Stripe-Signature", ["secret"] = $"${{secrets.{secretName}}}" },
        }));
        const string body = """{"id":"evt_1","type":"payment_intent.succeeded"}""";
        Dictionary<string, string> Signed(string secret, DateTimeOffset at) => new() { ["Stripe-Signature"] = WebhookSigning.Stripe(secret, at, body) };

        using var good = await Webhooks.PostAsync(desk, hook.Path, body, headers: Signed("whsec_stripe_test", DateTimeOffset.UtcNow));
        using var bad = await Webhooks.PostAsync(desk, hook.Path, body, headers: Signed("wrong", DateTimeOffset.UtcNow));
        using var stale = await Webhooks.PostAsync(desk, hook.Path, body, headers: Signed("whsec_stripe_test", DateTimeOffset.UtcNow.AddMinutes(-10)));

        await good.AcceptedAsync();
        await bad.ProblemAsync(HttpStatusCode.Unauthorized);
        var replay = await stale.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("replay", (string)replay["detail"]!, StringComparison.Ordinal);
        Assert.Single(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }

    [Fact]
    public async Task A_standard_webhooks_sender_is_verified_and_its_message_id_is_the_idempotency_key()
    {
        var key = Encoding.UTF8.GetBytes("standard-webhooks-test-key-12345");
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject
        {
            ["signature"] = new JsonObject { ["scheme"] = "standard-webhooks", ["secret"] = WebhookSigning.StandardSecret(key) },
        }));
        const string body = """{"type":"invoice.paid"}""";
        var messageId = $"msg_{Guid.NewGuid():N}";

        using var good = await Webhooks.PostAsync(desk, hook.Path, body, headers: WebhookSigning.Standard(key, messageId, DateTimeOffset.UtcNow, body));
        using var again = await Webhooks.PostAsync(desk, hook.Path, body, headers: WebhookSigning.Standard(key, messageId, DateTimeOffset.UtcNow, body));
        using var bad = await Webhooks.PostAsync(desk, hook.Path, body, headers: WebhookSigning.Standard(new byte[32], "msg_x", DateTimeOffset.UtcNow, body));
        using var stale = await Webhooks.PostAsync(desk, hook.Path, body, headers: WebhookSigning.Standard(key, "msg_y", DateTimeOffset.UtcNow.AddMinutes(-6), body));

        var first = await good.AcceptedAsync();
        var repeat = await again.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(ExecutionId(first), ExecutionId(repeat));
        Assert.True((bool)repeat["duplicate"]!);
        await bad.ProblemAsync(HttpStatusCode.Unauthorized);
        await stale.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Single(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }

    [Fact]
    public async Task A_repeated_idempotency_key_answers_the_first_run_and_another_body_with_it_is_409()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject { ["idempotencyKey"] = "header:Idempotency-Key" }));
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = $"order-{Guid.NewGuid():N}" };

        using var first = await Webhooks.PostAsync(desk, hook.Path, """{"order":1}""", headers: key);
        using var repeat = await Webhooks.PostAsync(desk, hook.Path, """{"order":1}""", headers: key);
        using var clash = await Webhooks.PostAsync(desk, hook.Path, """{"order":2}""", headers: key);

        var started = await first.AcceptedAsync();
        var duplicate = await repeat.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(ExecutionId(started), ExecutionId(duplicate));
        Assert.True((bool)duplicate["duplicate"]!);
        await clash.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Single(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
        var events = await Webhooks.EventsOfAsync(desk, hook.WorkflowId);
        Assert.Equal(["accepted", "duplicate", "refused"], events.Select(e => (string)e!["status"]!).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal((string)key["Idempotency-Key"], (string)e!["idempotencyKey"]!));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_body_key_make_one_run()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject { ["idempotencyKey"] = "body:id" }));
        var body = $$"""{"id":"evt-{{Guid.NewGuid():N}}"}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Webhooks.PostAsync(desk, hook.Path, body)));

        try
        {
            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{r.StatusCode}"));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
            var ids = await Task.WhenAll(responses.Select(async r => ExecutionId(JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject())));
            Assert.Single(ids.Distinct());
            Assert.Single(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Respond_completed_answers_200_with_the_runs_output()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject { ["respond"] = "completed" }));

        using var response = await Webhooks.PostAsync(desk, hook.Path, """{"customer":"c-9"}""");

        var answer = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["executionId", "output", "status"], answer.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Succeeded", (string)answer["status"]!);
        Assert.Equal("c-9", (string)answer["output"]!["body"]!["customer"]!);
        var logged = Assert.Single(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))!;
        Assert.Equal(200, (int)logged["statusCode"]!);
    }

    [Fact]
    public async Task Respond_completed_answers_202_when_the_run_outlasts_the_respond_timeout()
    {
        var wait = new JsonObject { ["id"] = "wait", ["type"] = "delay", ["config"] = new JsonObject { ["duration"] = "00:10:00" } };
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo(new JsonObject { ["respond"] = "completed", ["respondTimeout"] = "00:00:01" }, wait));

        using var response = await Webhooks.PostAsync(desk, hook.Path, "{}");

        var accepted = await response.AcceptedAsync();
        Assert.Equal($"/api/v1/executions/{ExecutionId(accepted)}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_webhook_address_is_for_editors_and_rotating_retires_the_old_token()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());
        var address = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}/webhook");
        Assert.EndsWith(hook.Path, (string)address["url"]!, StringComparison.Ordinal);
        Assert.StartsWith("http", (string)address["url"]!, StringComparison.Ordinal);
        Assert.Equal(hook.WorkflowId, Guid.Parse((string)address["workflowId"]!));
        Assert.Equal(43, hook.Token.Length); // 32 random bytes, base64url without padding
        using (var viewer = await desk.Viewer.GetAsync($"/api/v1/workflows/{hook.WorkflowId}/webhook"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        }

        using var rotate = await desk.Editor.PostAsync($"/api/v1/workflows/{hook.WorkflowId}/webhook/rotate", null);
        var rotated = await rotate.JsonAsync(HttpStatusCode.OK);

        var newToken = (string)rotated["token"]!;
        Assert.NotEqual(hook.Token, newToken);
        using var old = await Webhooks.PostAsync(desk, hook.Path, "{}");
        await old.ProblemAsync(HttpStatusCode.Unauthorized);
        using var current = await Webhooks.PostAsync(desk, $"/api/webhooks/{hook.WorkflowId}/{newToken}", "{}");
        await current.AcceptedAsync();
        var audit = await desk.Admin.GetPageAsync($"/api/v1/audit?action=workflow.webhook.rotate&target={hook.WorkflowId}");
        Assert.Single(audit);
        Assert.DoesNotContain(newToken, audit.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_a_webhook_workflow_again_keeps_its_token()
    {
        var definition = Webhooks.Echo();
        var hook = await Webhooks.CreateAsync(desk, definition);
        definition["description"] = "changed";

        using var update = await desk.Editor.PutTextAsync($"/api/v1/workflows/{hook.WorkflowId}", definition.ToJsonString());
        update.EnsureSuccessStatusCode();

        var address = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}/webhook");
        Assert.Equal(hook.Token, (string)address["token"]!);
    }
}
