namespace AutomationDesk.Core.Security;

/// <summary>Settings <c>DataProtection:*</c>: where the key that encrypts the Data Protection keys comes from.</summary>
public sealed class DataProtectionKeyOptions
{
    public const string Section = "DataProtection";

    /// <summary>The key file; by default <c>keys/dataprotection.key</c> in the database's folder. Made on first start.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The name of an environment variable holding the key (32 bytes, base64); when set, no key file is used.</summary>
    public string? KeyEnvironmentVariable { get; set; }

    /// <summary>A PKCS#12 (.pfx) certificate with its private key; when set, it encrypts the keys instead of a key file.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}
