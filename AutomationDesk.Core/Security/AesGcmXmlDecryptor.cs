using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Core.Security;

/// <summary>
/// Reads back what <see cref="AesGcmXmlEncryptor"/> wrote. Data Protection makes decryptors by type name with the
/// service provider, so the key is taken from it.
/// </summary>
public sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyEncryptionKey _key = services.GetRequiredService<KeyEncryptionKey>();

    public XElement Decrypt(XElement encryptedElement)
    {
        var keyId = (string?)encryptedElement.Attribute("keyId");
        if (keyId != _key.Id)
        {
            throw new CryptographicException(
                $"This Data Protection key was encrypted with key-encryption key {keyId}; this desk has {_key.Id} from {_key.Source}. " +
                "Give the desk the key it was made with (DataProtection:KeyFile or DataProtection:KeyEnvironmentVariable).");
        }
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element(XName.Get("value", AesGcmXmlEncryptor.Namespace)) ?? "");
        if (sealedBytes.Length < AesGcmXmlEncryptor.NonceSize + AesGcmXmlEncryptor.TagSize)
        {
            throw new CryptographicException("The encrypted Data Protection key is cut short.");
        }
        var plaintext = new byte[sealedBytes.Length - AesGcmXmlEncryptor.NonceSize - AesGcmXmlEncryptor.TagSize];
        using (var aes = new AesGcm(_key.Bytes, AesGcmXmlEncryptor.TagSize))
        {
            aes.Decrypt(
                sealedBytes.AsSpan(0, AesGcmXmlEncryptor.NonceSize),
                sealedBytes.AsSpan(AesGcmXmlEncryptor.NonceSize + AesGcmXmlEncryptor.TagSize),
                sealedBytes.AsSpan(AesGcmXmlEncryptor.NonceSize, AesGcmXmlEncryptor.TagSize),
                plaintext,
                AesGcmXmlEncryptor.AssociatedData);
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
