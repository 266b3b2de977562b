using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Connections;

/// <summary>Stripe's API with a secret or restricted key (sent as a bearer token).</summary>
public sealed class StripeConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "stripe",
    Label = "Stripe",
    Description = "Stripe's API with a secret (sk_…) or restricted (rk_…) key.",
    DocsUrl = "https://docs.stripe.com/api/authentication",
    TestDescription = "GET /v1/balance: reads the balance, which any working key may.",
    DefaultBaseUrl = "https://api.stripe.com",
    Fields = [new ConnectionField("secretKey", "Secret key", ConnectionFieldKind.Secret) { Required = true, Placeholder = "sk_live_…" }],
    Auth = s => new HttpAuth.Bearer(s.Secret("secretKey") ?? ""),
    Test = new HttpTestCall("GET", "/v1/balance")
    {
        Describe = a => a.Object?["livemode"] is JsonValue live && live.TryGetValue<bool>(out var isLive)
            ? $"Read the balance in {(isLive ? "live" : "test")} mode."
            : "Read the balance.",
    },
});
