using AutomationDesk.Core.Security;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// Request headers that carry a credential: their names are kept with a stored request (so a person can see that a
/// sender signed or authenticated it) but their values are masked, in the webhook event and in the run's trigger input.
/// Signatures are checked on the request as it arrives, before anything is stored, and a replay does not check them
/// again, so nothing needs the real values later.
/// </summary>
public static class CredentialHeaders
{
    private static readonly HashSet<string> Named = new(
        ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-gitlab-token", "webhook-signature"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the header carries a credential: a known name, any <c>X-*-Token</c> (and <c>X-Token</c>), any header with
    /// <c>signature</c> or <c>hmac</c> in its name (<c>X-Hub-Signature-256</c>, <c>Stripe-Signature</c>, <c>X-Signature-256</c>),
    /// or one ending in <c>-api-key</c>.
    /// </summary>
    public static bool IsCredential(string name) =>
        Named.Contains(name)
        || name.Contains("signature", StringComparison.OrdinalIgnoreCase)
        || name.Contains("hmac", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("-api-key", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith("x-", StringComparison.OrdinalIgnoreCase) && name.EndsWith("token", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The value as it may be kept: unchanged for an ordinary header; for a credential, <c>***</c>, except that
    /// <c>Authorization</c> keeps its scheme (<c>Bearer ***</c>) and <c>Cookie</c> keeps its cookie names (<c>a=***; b=***</c>).
    /// </summary>
    public static string Masked(string name, string value)
    {
        if (!IsCredential(name))
        {
            return value;
        }
        if (name.Equals("cookie", StringComparison.OrdinalIgnoreCase))
        {
            return string.Join("; ", value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(cookie => cookie.Split('=', 2)[0].Trim() + "=" + SecretMasker.Mask));
        }
        if (name.EndsWith("authorization", StringComparison.OrdinalIgnoreCase)
            && value.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [var scheme, _]
            && scheme.Length <= 20 && scheme.All(char.IsAsciiLetter))
        {
            return scheme + " " + SecretMasker.Mask;
        }
        return SecretMasker.Mask;
    }
}
