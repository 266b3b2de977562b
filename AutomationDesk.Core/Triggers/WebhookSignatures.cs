using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Triggers;

/// <summary>Whether a request's signature holds, and if not, why (the reason is kept with the refused request).</summary>
public sealed record SignatureVerdict(bool Valid, string? Reason)
{
    public static SignatureVerdict Passed { get; } = new(true, null);

    public static SignatureVerdict Refused(string reason) => new(false, reason);
}

/// <summary>
/// Checks webhook signatures over the raw body: <c>hmac-sha256</c> (hex in a header, GitHub's
/// <c>X-Hub-Signature-256</c> is this), <c>stripe</c> (<c>t=…,v1=…</c>) and <c>standard-webhooks</c>
/// (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>). Timestamped schemes refuse a request
/// outside the tolerance, so a captured request cannot be replayed later. Every comparison is constant-time.
/// </summary>
public sealed partial class WebhookSignatures(SecretStore secrets, SigningSecrets signing, TimeProvider time)
{
    public const string HmacSha256 = "hmac-sha256";
    public const string Stripe = "stripe";
    public const string StandardWebhooks = "standard-webhooks";

    public const string DefaultHmacHeader = "X-Signature-256";
    public const string GitHubHeader = "X-Hub-Signature-256";
    public const string StripeHeader = "Stripe-Signature";
    public const string StandardIdHeader = "webhook-id";
    public const string StandardTimestampHeader = "webhook-timestamp";
    public const string StandardSignatureHeader = "webhook-signature";
    public const int DefaultToleranceSeconds = 300;

    [GeneratedRegex(@"^\$\{\s*secrets\.([A-Za-z][A-Za-z0-9_\-]*)\s*\}$")]
    private static partial Regex SecretReference();

    /// <param name="headers">The request headers; looked up without regard to case.</param>
    public async Task<SignatureVerdict> VerifyAsync(
        WebhookSignature signature, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var secret = await ResolveSecretAsync(signature.Secret, ct);
        if (secret is null)
        {
            return SignatureVerdict.Refused(SigningSecrets.IsEncrypted(signature.Secret)
                ? "The signing secret cannot be decrypted: this desk does not have the key it was stored with (DataProtection:KeyFile). Type the secret again."
                : $"The signing secret {signature.Secret} does not exist: add it under Secrets.");
        }
        if (secret.Length == 0)
        {
            return SignatureVerdict.Refused("The workflow has no signing secret to check the signature with.");
        }
        var tolerance = TimeSpan.FromSeconds(signature.ToleranceSeconds ?? DefaultToleranceSeconds);
        return signature.Scheme switch
        {
            HmacSha256 => VerifyHmac(Header(headers, signature.Header ?? DefaultHmacHeader), signature.Header ?? DefaultHmacHeader, secret, body.Span),
            Stripe => VerifyStripe(Header(headers, signature.Header ?? StripeHeader), signature.Header ?? StripeHeader, secret, body.Span, tolerance),
            StandardWebhooks => VerifyStandard(headers, secret, body.Span, tolerance),
            _ => SignatureVerdict.Refused($"Unknown signature scheme '{signature.Scheme}'."),
        };
    }

    /// <summary>
    /// The secret's value: itself (decrypted when stored encrypted), or the named secret's value for
    /// <c>${secrets.name}</c> (null when it does not exist).
    /// </summary>
    private async Task<string?> ResolveSecretAsync(string secret, CancellationToken ct)
    {
        try
        {
            secret = signing.Reveal(secret);
        }
        catch (CryptographicException)
        {
            // Stored by a desk with another key: refused below as a secret that does not exist.
            return null;
        }
        if (SecretReference().Match(secret) is not { Success: true } match)
        {
            return secret;
        }
        var name = match.Groups[1].Value;
        var revealed = await secrets.RevealAsync([name], ct);
        return revealed.GetValueOrDefault(name);
    }

    /// <summary>
    /// The <c>hmac-sha256</c> scheme's header value, <c>sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>: what this desk checks on
    /// a request it receives, and signs with when it calls a service that checks the same (an n8n webhook).
    /// </summary>
    public static string HmacHeaderValue(string secret, ReadOnlySpan<byte> body) => "sha256=" + Convert.ToHexStringLower(Hmac(secret, body));

    private static byte[] Hmac(string secret, ReadOnlySpan<byte> body) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);

    private static SignatureVerdict VerifyHmac(string? header, string headerName, string secret, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureVerdict.Refused($"The {headerName} header with the signature is missing.");
        }
        var hex = header.Trim();
        if (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex["sha256=".Length..];
        }
        var expected = Hmac(secret, body);
        return FromHex(hex) is { } given && CryptographicOperations.FixedTimeEquals(expected, given)
            ? SignatureVerdict.Passed
            : SignatureVerdict.Refused($"The {headerName} signature does not match the body.");
    }

    private SignatureVerdict VerifyStripe(string? header, string headerName, string secret, ReadOnlySpan<byte> body, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureVerdict.Refused($"The {headerName} header with the signature is missing.");
        }
        string? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            var (name, value) = (part[..equals], part[(equals + 1)..]);
            if (name == "t")
            {
                timestamp = value;
            }
            else if (name == "v1" && FromHex(value) is { } signature)
            {
                signatures.Add(signature);
            }
        }
        if (timestamp is null || signatures.Count == 0)
        {
            return SignatureVerdict.Refused($"The {headerName} header needs t=<timestamp> and v1=<signature>.");
        }
        if (CheckTimestamp(timestamp, tolerance) is { } refused)
        {
            return refused;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat(timestamp, ".", body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, s))
            ? SignatureVerdict.Passed
            : SignatureVerdict.Refused($"No v1 signature in {headerName} matches the body.");
    }

    private SignatureVerdict VerifyStandard(IReadOnlyDictionary<string, string> headers, string secret, ReadOnlySpan<byte> body, TimeSpan tolerance)
    {
        var id = Header(headers, StandardIdHeader);
        var timestamp = Header(headers, StandardTimestampHeader);
        var header = Header(headers, StandardSignatureHeader);
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(timestamp) || string.IsNullOrWhiteSpace(header))
        {
            return SignatureVerdict.Refused($"Standard Webhooks needs the {StandardIdHeader}, {StandardTimestampHeader} and {StandardSignatureHeader} headers.");
        }
        if (CheckTimestamp(timestamp, tolerance) is { } refused)
        {
            return refused;
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        }
        catch (FormatException)
        {
            return SignatureVerdict.Refused("The Standard Webhooks secret is not base64 (whsec_<base64>).");
        }
        var expected = HMACSHA256.HashData(key, Concat($"{id}.{timestamp}", ".", body));
        foreach (var entry in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.StartsWith("v1,", StringComparison.Ordinal) && FromBase64(entry["v1,".Length..]) is { } given
                && CryptographicOperations.FixedTimeEquals(expected, given))
            {
                return SignatureVerdict.Passed;
            }
        }
        return SignatureVerdict.Refused($"No v1 signature in {StandardSignatureHeader} matches the body.");
    }

    private SignatureVerdict? CheckTimestamp(string timestamp, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureVerdict.Refused($"The signature timestamp '{timestamp}' is not a number of Unix seconds.");
        }
        var age = time.GetUtcNow().ToUnixTimeSeconds() - seconds;
        return Math.Abs(age) > tolerance.TotalSeconds
            ? SignatureVerdict.Refused($"The signature timestamp is {age} s from now, outside the tolerance of {tolerance.TotalSeconds} s: refused as a possible replay.")
            : null;
    }

    private static string? Header(IReadOnlyDictionary<string, string> headers, string name) =>
        headers.TryGetValue(name, out var value) ? value : headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static byte[] Concat(string prefix, string separator, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes(prefix + separator);
        var result = new byte[head.Length + body.Length];
        head.CopyTo(result, 0);
        body.CopyTo(result.AsSpan(head.Length));
        return result;
    }

    private static byte[]? FromHex(string hex)
    {
        try
        {
            return Convert.FromHexString(hex.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[]? FromBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
