using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class WebhookRequestTests
{
    private static WebhookRequest Request(string? contentType, string body, Dictionary<string, string>? headers = null) => new(
        "POST", contentType, headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
        new Dictionary<string, IReadOnlyList<string>> { ["tag"] = ["a", "b"], ["page"] = ["2"] }, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void A_form_post_becomes_an_object_of_its_fields()
    {
        Assert.True(Request("application/x-www-form-urlencoded; charset=utf-8", "name=Ada+L&city=Z%C3%BCrich").TryReadBody(out var body, out _));

        Assert.Equal("Ada L", (string)body!["name"]!);
        Assert.Equal("Zürich", (string)body["city"]!);
    }

    [Fact]
    public void Text_stays_text_and_malformed_json_names_the_content_type()
    {
        Assert.True(Request("text/plain", "hello").TryReadBody(out var text, out _));
        Assert.False(Request("application/vnd.api+json", "{ nope").TryReadBody(out _, out var error));

        Assert.Equal("hello", (string)text!);
        Assert.Contains("application/vnd.api+json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trigger_input_has_lower_case_headers_with_credentials_masked_and_repeated_query_values_as_lists()
    {
        var request = Request("application/json", "{}", new(StringComparer.OrdinalIgnoreCase)
        {
            ["X-GitHub-Event"] = "push", ["Authorization"] = "Bearer x-secret", ["Cookie"] = "a=b-secret",
        });

        var input = request.TriggerInput(new JsonObject());

        Assert.Equal("push", (string)input["headers"]!["x-github-event"]!);
        Assert.Equal("Bearer ***", (string)input["headers"]!["authorization"]!);
        Assert.Equal("a=***", (string)input["headers"]!["cookie"]!);
        Assert.Equal(["a", "b"], input["query"]!["tag"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("2", (string)input["query"]!["page"]!);
        Assert.Equal("POST", (string)input["method"]!);
    }

    [Fact]
    public void Idempotency_keys_come_from_a_header_or_a_body_path()
    {
        var request = Request("application/json", "", new(StringComparer.OrdinalIgnoreCase) { ["Idempotency-Key"] = "k-1" });
        var body = JsonNode.Parse("""{"id":"evt_9","data":{"object":{"id":7}}}""");

        Assert.Equal("k-1", request.IdempotencyKey("header:Idempotency-Key", body));
        Assert.Equal("evt_9", request.IdempotencyKey("body:id", body));
        Assert.Equal("7", request.IdempotencyKey("body.data.object.id", body));
        Assert.Null(request.IdempotencyKey("body:missing", body));
    }

    [Fact]
    public void A_stored_event_reads_back_as_the_request_it_was()
    {
        var request = Request("application/json", """{"a":1}""", new(StringComparer.OrdinalIgnoreCase) { ["X-Test"] = "yes" });

        var back = WebhookRequest.FromEvent(request.ToEvent(DateTimeOffset.UnixEpoch, keepBody: true, 7))!;
        var dropped = WebhookRequest.FromEvent(request.ToEvent(DateTimeOffset.UnixEpoch, keepBody: false, 7));

        Assert.True(JsonNode.DeepEquals(request.TriggerInput(JsonNode.Parse("{}")), back.TriggerInput(JsonNode.Parse("{}"))));
        Assert.Equal(request.BodyHash, back.BodyHash);
        Assert.Null(dropped);
    }

    [Fact]
    public void A_stored_event_keeps_the_names_of_credential_headers_but_not_their_values()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Authorization"] = "Basic dXNlcjpzZWNyZXQtMQ==",
            ["Proxy-Authorization"] = "Bearer secret-2",
            ["Cookie"] = "session=secret-3; theme=secret-4",
            ["X-Api-Key"] = "secret-5",
            ["X-Gitlab-Token"] = "secret-6",
            ["X-Auth-Token"] = "secret-7",
            ["X-Hub-Signature-256"] = "sha256=secret-8",
            ["X-Hub-Signature"] = "sha1=secret-9",
            ["Stripe-Signature"] = "t=1,v1=secret-10",
            ["Webhook-Signature"] = "v1,secret-11",
            ["X-Signature-256"] = "sha256=secret-12",
            ["X-GitHub-Delivery"] = "d-1",
            ["Content-Length"] = "2",
        };

        var stored = Request("application/json", "{}", headers).ToEvent(DateTimeOffset.UnixEpoch, keepBody: true, 2);

        Assert.DoesNotContain("secret", stored.HeadersJson, StringComparison.Ordinal);
        var kept = JsonNode.Parse(stored.HeadersJson)!.AsObject();
        Assert.Equal(headers.Keys.Select(k => k.ToLowerInvariant()).Order(), kept.Select(h => h.Key).Order());
        Assert.Equal("Basic ***", (string)kept["authorization"]!);
        Assert.Equal("session=***; theme=***", (string)kept["cookie"]!);
        Assert.Equal("***", (string)kept["x-hub-signature-256"]!);
        Assert.Equal("d-1", (string)kept["x-github-delivery"]!);
        Assert.Equal("2", (string)kept["content-length"]!);
    }
}
