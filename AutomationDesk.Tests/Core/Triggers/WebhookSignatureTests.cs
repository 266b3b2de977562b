using System.Text;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Triggers;

public sealed class WebhookSignatureTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    private const string Body = """{"id":"evt_1","amount":42}""";
    private const string Secret = "s3cret-signing-key";
    private static readonly byte[] StandardKey = Encoding.UTF8.GetBytes("standard-webhooks-key-32-bytes!!");

    private CoreDesk Desk => fixture.Desk;

    private Task<SignatureVerdict> VerifyAsync(WebhookSignature signature, Dictionary<string, string> headers, string body = Body) =>
        Desk.Get<WebhookSignatures>().VerifyAsync(signature, new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase),
            Encoding.UTF8.GetBytes(body), CancellationToken.None);

    private static WebhookSignature Hmac(string? header = null, string secret = Secret) => new() { Scheme = "hmac-sha256", Header = header, Secret = secret };

    [Fact]
    public async Task An_hmac_signature_with_the_sha256_prefix_passes()
    {
        var verdict = await VerifyAsync(Hmac("X-Hub-Signature-256"), new() { ["x-hub-signature-256"] = WebhookSigning.GitHub(Secret, Body) });

        Assert.True(verdict.Valid, verdict.Reason);
    }

    [Fact]
    public async Task An_hmac_signature_as_bare_hex_in_the_default_header_passes()
    {
        var verdict = await VerifyAsync(Hmac(), new() { ["X-Signature-256"] = WebhookSigning.Hex(Secret, Body) });

        Assert.True(verdict.Valid, verdict.Reason);
    }

    [Fact]
    public async Task An_hmac_signature_of_another_body_is_refused()
    {
        var verdict = await VerifyAsync(Hmac("X-Hub-Signature-256"), new() { ["X-Hub-Signature-256"] = WebhookSigning.GitHub(Secret, Body + " ") });

        Assert.False(verdict.Valid);
        Assert.Contains("does not match", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_signature_header_is_refused_with_its_name()
    {
        var verdict = await VerifyAsync(Hmac("X-Hub-Signature-256"), []);

        Assert.False(verdict.Valid);
        Assert.Contains("X-Hub-Signature-256", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_reference_is_read_from_the_secret_store()
    {
        var name = $"signing{Guid.NewGuid():N}";
        await Desk.Get<SecretStore>().SetAsync(name, "from-the-store", Actor.System, CancellationToken.None);

        var good = await VerifyAsync(Hmac(secret: $"${{secrets.{name}}}"), new() { ["X-Signature-256"] = WebhookSigning.GitHub("from-the-store", Body) });
        var literal = await VerifyAsync(Hmac(secret: $"${{secrets.{name}}}"), new() { ["X-Signature-256"] = WebhookSigning.GitHub($"${{secrets.{name}}}", Body) });

        Assert.True(good.Valid, good.Reason);
        Assert.False(literal.Valid);
    }

    [Fact]
    public async Task A_reference_to_a_missing_secret_is_refused_naming_it()
    {
        var verdict = await VerifyAsync(Hmac(secret: "${secrets.nowhere}"), new() { ["X-Signature-256"] = WebhookSigning.GitHub("", Body) });

        Assert.False(verdict.Valid);
        Assert.Contains("${secrets.nowhere}", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stripe_signature_within_the_tolerance_passes()
    {
        var header = WebhookSigning.Stripe(Secret, Desk.Time.GetUtcNow().AddSeconds(-200), Body);

        var verdict = await VerifyAsync(new WebhookSignature { Scheme = "stripe", Secret = Secret }, new() { ["Stripe-Signature"] = header });

        Assert.True(verdict.Valid, verdict.Reason);
    }

    [Fact]
    public async Task A_stripe_signature_over_another_body_is_refused()
    {
        var header = WebhookSigning.Stripe(Secret, Desk.Time.GetUtcNow(), """{"id":"evt_2"}""");

        var verdict = await VerifyAsync(new WebhookSignature { Scheme = "stripe", Secret = Secret }, new() { ["Stripe-Signature"] = header });

        Assert.False(verdict.Valid);
    }

    [Fact]
    public async Task A_stripe_signature_older_than_the_tolerance_is_refused_as_a_replay()
    {
        var header = WebhookSigning.Stripe(Secret, Desk.Time.GetUtcNow(), Body);
        Desk.Time.Advance(TimeSpan.FromSeconds(301));

        var verdict = await VerifyAsync(new WebhookSignature { Scheme = "stripe", Secret = Secret }, new() { ["Stripe-Signature"] = header });
        var lenient = await VerifyAsync(new WebhookSignature { Scheme = "stripe", Secret = Secret, ToleranceSeconds = 600 }, new() { ["Stripe-Signature"] = header });

        Assert.False(verdict.Valid);
        Assert.Contains("replay", verdict.Reason, StringComparison.Ordinal);
        Assert.True(lenient.Valid, lenient.Reason);
    }

    [Fact]
    public async Task A_standard_webhooks_signature_among_several_passes()
    {
        var headers = WebhookSigning.Standard(StandardKey, "msg_1", Desk.Time.GetUtcNow(), Body);

        var verdict = await VerifyAsync(new WebhookSignature { Scheme = "standard-webhooks", Secret = WebhookSigning.StandardSecret(StandardKey) }, headers);

        Assert.True(verdict.Valid, verdict.Reason);
    }

    [Fact]
    public async Task A_standard_webhooks_signature_for_another_message_id_is_refused()
    {
        var headers = WebhookSigning.Standard(StandardKey, "msg_1", Desk.Time.GetUtcNow(), Body);
        headers["webhook-id"] = "msg_2";

        var verdict = await VerifyAsync(new WebhookSignature { Scheme = "standard-webhooks", Secret = WebhookSigning.StandardSecret(StandardKey) }, headers);

        Assert.False(verdict.Valid);
    }

    [Fact]
    public async Task A_standard_webhooks_timestamp_from_the_future_beyond_the_tolerance_is_refused()
    {
        var headers = WebhookSigning.Standard(StandardKey, "msg_1", Desk.Time.GetUtcNow().AddMinutes(10), Body);

        var verdict = await VerifyAsync(new WebhookSignature { Scheme = "standard-webhooks", Secret = WebhookSigning.StandardSecret(StandardKey) }, headers);

        Assert.False(verdict.Valid);
        Assert.Contains("tolerance", verdict.Reason, StringComparison.Ordinal);
    }
}
