using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Workflows;
using Microsoft.AspNetCore.DataProtection;

namespace AutomationDesk.Core.Security;

/// <summary>
/// Signing secrets written into a webhook trigger or an inbox source: a <c>${secrets.name}</c> reference is kept as it
/// is; a secret typed in is stored encrypted with Data Protection (<c>encrypted:…</c>) and shown to nobody, as
/// <c>***</c>. Sending <c>***</c> back keeps the stored secret, so an edit need not type it again.
/// </summary>
public sealed partial class SigningSecrets(IDataProtectionProvider protection)
{
    public const string EncryptedPrefix = "encrypted:";

    private readonly IDataProtector _protector = protection.CreateProtector("AutomationDesk.SigningSecrets.v1");

    [GeneratedRegex(@"^\$\{\s*secrets\.[A-Za-z][A-Za-z0-9_\-]*\s*\}$")]
    private static partial Regex ReferencePattern();

    public static bool IsReference(string value) => ReferencePattern().IsMatch(value);

    public static bool IsEncrypted(string value) => value.StartsWith(EncryptedPrefix, StringComparison.Ordinal);

    /// <summary>What a person may see of a stored secret: nothing, a reference, or the mask.</summary>
    public static string Shown(string stored) => stored.Length == 0 || IsReference(stored) ? stored : SecretMasker.Mask;

    /// <summary>The value to check a signature with: the stored secret decrypted (a reference stays a reference).</summary>
    public string Reveal(string stored) => IsEncrypted(stored) ? _protector.Unprotect(stored[EncryptedPrefix.Length..]) : stored;

    /// <summary>
    /// What to store for a secret a person sent, given the one stored now: the mask keeps the stored one (null when
    /// there is none to keep), the same secret keeps its stored form (no new version), and any other typed secret is
    /// encrypted.
    /// </summary>
    public string? ForStorage(string sent, string? stored)
    {
        if (sent == SecretMasker.Mask)
        {
            return string.IsNullOrEmpty(stored) ? null : stored;
        }
        if (sent.Length == 0 || IsReference(sent) || (sent == stored && IsEncrypted(sent)))
        {
            return sent;
        }
        if (stored is not null && IsEncrypted(stored) && Reveal(stored) == sent)
        {
            return stored;
        }
        return EncryptedPrefix + _protector.Protect(sent);
    }

    /// <summary>
    /// The definition to store: its webhook signing secret encrypted, or the one of <paramref name="storedDefinitionJson"/>
    /// kept when <c>***</c> was sent back.
    /// </summary>
    public WorkflowDefinition ForStorage(WorkflowDefinition definition, string? storedDefinitionJson)
    {
        if (definition.Trigger.Webhook?.Signature is not { } signature)
        {
            return definition;
        }
        var stored = storedDefinitionJson is null ? null : StoredSecretOf(JsonNode.Parse(storedDefinitionJson));
        var secret = ForStorage(signature.Secret, stored)
            ?? throw new WorkflowValidationException(new Dictionary<string, string[]>
            {
                ["trigger.webhook.signature.secret"] = ["*** stands for a signing secret this workflow keeps, and it has none: type the secret, or ${secrets.name} to read it from Secrets."],
            });
        return secret == signature.Secret
            ? definition
            : definition with { Trigger = definition.Trigger with { Webhook = definition.Trigger.Webhook with { Signature = signature with { Secret = secret } } } };
    }

    /// <summary>The workflow JSON as it may be shown: a signing secret that is not a reference is masked.</summary>
    public static JsonObject Masked(JsonObject workflow)
    {
        if (workflow["trigger"]?["webhook"]?["signature"] is JsonObject signature && signature["secret"] is JsonValue secret
            && secret.TryGetValue<string>(out var text))
        {
            signature["secret"] = Shown(text);
        }
        return workflow;
    }

    private static string? StoredSecretOf(JsonNode? definition) =>
        definition?["trigger"]?["webhook"]?["signature"]?["secret"] is JsonValue secret && secret.TryGetValue<string>(out var text) ? text : null;
}
