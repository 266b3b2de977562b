using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Integrations;

/// <summary>The <c>n8n.workflow</c> step against a fake n8n whose webhook checks the signature, through real loopback HTTP.</summary>
public sealed class N8nWorkflowStepTests : IAsyncLifetime
{
    private const string Secret = "n8n-signing-secret";
    private CoreDesk _desk = null!;
    private FakeN8nServer _n8n = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _n8n = await FakeN8nServer.StartAsync();
        _n8n.SigningSecret = Secret;
    }

    public async Task DisposeAsync()
    {
        await _n8n.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private Task AddConnectionAsync(string secret = Secret, string name = "n8n") =>
        _desk.Get<ConnectionStore>().CreateAsync(
            new ConnectionInput(name, "n8n", new JsonObject { ["baseUrl"] = _n8n.BaseUrl }, new Dictionary<string, string?> { ["signingSecret"] = secret }),
            Actor.System, CancellationToken.None);

    private static void Succeeded(AutomationDesk.Core.Execution.Execution execution) =>
        Assert.True(execution.Status == ExecutionStatus.Succeeded, $"{execution.Status}: {execution.Steps[0].ErrorHuman} {execution.Steps[0].ErrorTech}");

    private static JsonObject Call(JsonObject config) => Step("n8n", "n8n.workflow", config);

    [Fact]
    public async Task N8n_call_is_signed_over_the_exact_body_and_n8n_s_answer_is_the_step_output()
    {
        await AddConnectionAsync();
        var body = new JsonObject { ["order"] = "${trigger.body.order}", ["note"] = "grüße" };

        var execution = await _desk.RunAsync(Workflow(Call(new JsonObject { ["connection"] = "n8n", ["webhookPath"] = "order-intake", ["body"] = body })),
            new JsonObject { ["body"] = new JsonObject { ["order"] = 42 } });

        Succeeded(execution);
        var request = Assert.Single(_n8n.Requests);
        Assert.Equal(("POST", "order-intake"), (request.Method, request.Path));
        Assert.Equal("""{"order":42,"note":"grüße"}""", request.Text);
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), request.Body));
        Assert.Equal(signature, request.Headers["X-Signature-256"]);
        Assert.Equal($"{execution.Id}:n8n", request.Headers["Idempotency-Key"]);
        var output = JsonNode.Parse(execution.Steps[0].OutputJson!)!;
        Assert.Equal(200, (int)output["status"]!);
        Assert.Equal(42, (int)output["body"]!["received"]!["order"]!);
        Assert.Equal("order-intake", (string)output["body"]!["path"]!);
    }

    [Fact]
    public async Task N8n_refusing_the_signature_fails_the_step_with_its_401_and_no_retry()
    {
        await AddConnectionAsync(secret: "not-the-secret");
        var step = Call(new JsonObject { ["connection"] = "n8n", ["webhookPath"] = "order-intake", ["body"] = new JsonObject { ["a"] = 1 } });
        step["retry"] = new JsonObject { ["maxAttempts"] = 3, ["initialDelay"] = "00:00:01" };

        var execution = await _desk.RunAsync(Workflow(step));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains("answered 401", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("Signature does not match", execution.Steps[0].ErrorTech, StringComparison.Ordinal);
        Assert.Single(_n8n.Requests);
    }

    [Fact]
    public async Task N8n_answering_500_then_200_succeeds_on_the_retry_with_the_same_idempotency_key()
    {
        await AddConnectionAsync();
        _n8n.FailFirst = 1;
        var step = Call(new JsonObject { ["connection"] = "n8n", ["webhookPath"] = "flaky", ["body"] = new JsonObject { ["a"] = 1 } });
        step["retry"] = new JsonObject { ["maxAttempts"] = 3, ["initialDelay"] = "00:00:01" };

        var execution = await _desk.RunAsync(Workflow(step));
        Assert.Equal(ExecutionStatus.Retrying, execution.Status);
        _desk.Time.Advance(TimeSpan.FromSeconds(2));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(2, finished.Steps[0].Attempts);
        Assert.Equal([$"{execution.Id}:n8n", $"{execution.Id}:n8n"], _n8n.Requests.Select(r => r.Headers["Idempotency-Key"]));
    }

    [Fact]
    public async Task N8n_full_url_off_the_connection_s_server_is_refused_before_anything_is_sent()
    {
        await AddConnectionAsync();

        var execution = await _desk.RunAsync(Workflow(Call(new JsonObject { ["connection"] = "n8n", ["url"] = "http://127.0.0.2:9/webhook/order-intake" })));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains("is not on the connection 'n8n'", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Empty(_n8n.Requests);
    }

    [Fact]
    public async Task N8n_full_url_on_the_connection_s_server_is_signed_like_a_webhook_path()
    {
        await AddConnectionAsync();

        var execution = await _desk.RunAsync(Workflow(Call(new JsonObject { ["connection"] = "n8n", ["url"] = $"{_n8n.BaseUrl}/webhook/test/run", ["method"] = "PUT", ["body"] = "plain text" })));

        Succeeded(execution);
        var request = Assert.Single(_n8n.Requests);
        Assert.Equal(("PUT", "test/run", "plain text"), (request.Method, request.Path, request.Text));
        Assert.StartsWith("text/plain", request.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task N8n_without_wait_takes_the_2xx_and_does_not_keep_the_answer()
    {
        await AddConnectionAsync();

        var execution = await _desk.RunAsync(Workflow(Call(new JsonObject { ["connection"] = "n8n", ["webhookPath"] = "fire", ["wait"] = false })));

        Succeeded(execution);
        Assert.Equal("""{"status":200,"body":null}""", execution.Steps[0].OutputJson);
    }

    [Fact]
    public async Task N8n_unknown_connection_fails_naming_it()
    {
        var execution = await _desk.RunAsync(Workflow(Call(new JsonObject { ["connection"] = "nowhere", ["webhookPath"] = "x" })));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains("no connection named 'nowhere'", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "config.webhookPath")]
    [InlineData("""{"webhookPath":"x"}""", "config.connection")]
    [InlineData("""{"connection":"n8n","webhookPath":"x","url":"http://n8n.lan/webhook/x"}""", "config.url")]
    [InlineData("""{"url":"ftp://n8n.lan/x"}""", "config.url")]
    [InlineData("""{"connection":"n8n","webhookPath":"../x"}""", "config.webhookPath")]
    [InlineData("""{"connection":"n8n","webhookPath":"x","method":"TRACE"}""", "config.method")]
    public async Task N8n_step_settings_that_cannot_work_fail_the_step_naming_the_field_before_any_call(string config, string field)
    {
        await AddConnectionAsync();

        var execution = await _desk.RunAsync(Workflow(Call(JsonNode.Parse(config)!.AsObject())));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains(field, execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Empty(_n8n.Requests);
    }
}
