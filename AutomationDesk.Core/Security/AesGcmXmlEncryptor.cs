using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace AutomationDesk.Core.Security;

/// <summary>Encrypts a Data Protection key's secret part with the <see cref="KeyEncryptionKey"/> (AES-256-GCM).</summary>
public sealed class AesGcmXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    internal const string Namespace = "urn:automationdesk:dataprotection";
    internal static readonly XName ElementName = XName.Get("aesGcmEncrypted", Namespace);
    internal static readonly byte[] AssociatedData = "AutomationDesk.DataProtection.v1"u8.ToArray();
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    /// <summary>The key this desk encrypts with (and so can decrypt).</summary>
    public KeyEncryptionKey Key => key;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Bytes, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), AssociatedData);
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName,
            new XAttribute("keyId", key.Id),
            new XComment(" Encrypted with the desk's key-encryption key (DataProtection:KeyFile or DataProtection:KeyEnvironmentVariable). "),
            new XElement(XName.Get("value", Namespace), Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}
