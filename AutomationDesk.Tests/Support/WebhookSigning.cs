using System.Security.Cryptography;
using System.Text;

namespace AutomationDesk.Tests.Support;

/// <summary>Signs bodies the way senders do (GitHub, Stripe, Standard Webhooks), written from their documentation.</summary>
public static class WebhookSigning
{
    /// <summary>GitHub's <c>X-Hub-Signature-256</c> value: <c>sha256=</c> and the hex HMAC of the body.</summary>
    public static string GitHub(string secret, string body) => "sha256=" + Hex(secret, body);

    public static string Hex(string secret, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>Stripe's <c>Stripe-Signature</c>: <c>t=&lt;unix&gt;,v1=&lt;hex HMAC of "t.body"&gt;</c>.</summary>
    public static string Stripe(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds();
        return $"t={t},v1={Hex(secret, $"{t}.{body}")}";
    }

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and base64 key bytes.</summary>
    public static string StandardSecret(byte[] key) => "whsec_" + Convert.ToBase64String(key);

    /// <summary>The <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c> headers for a body.</summary>
    public static Dictionary<string, string> Standard(byte[] key, string id, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{t}.{body}")));
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = t,
            ["webhook-signature"] = $"v1,{Convert.ToBase64String(new byte[32])} v1,{signature}",
        };
    }
}
