using System.Security.Cryptography;
using System.Xml.Linq;
using AutomationDesk.Core.Persistence;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Security;

/// <summary>
/// Keeps the Data Protection keys in the desk's database, every key's secret part encrypted with the configured
/// <see cref="IXmlEncryptor"/> (the <see cref="KeyEncryptionKey"/>, or a certificate), which is not in the database. A
/// key stored unencrypted (by a desk from before this was so) is encrypted in place the first time the key ring is
/// read, at start.
/// </summary>
public sealed partial class EncryptedKeyRepository(
    IDbContextFactory<DeskDbContext> dbFactory, IXmlEncryptor encryptor, ILogger<EncryptedKeyRepository> logger) : IXmlRepository
{
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Data Protection reads its key ring synchronously.
        using var db = dbFactory.CreateDbContext();
        var elements = new List<XElement>();
        var encrypted = 0;
        foreach (var row in db.DataProtectionKeys.ToList())
        {
            if (string.IsNullOrWhiteSpace(row.Xml))
            {
                continue;
            }
            var element = XElement.Parse(row.Xml);
            if (EncryptSecrets(element))
            {
                row.Xml = element.ToString(SaveOptions.DisableFormatting);
                encrypted++;
            }
            elements.Add(element);
        }
        RefuseAnotherKeyEncryptionKey(elements);
        if (encrypted > 0)
        {
            db.SaveChanges();
            Log.KeysEncrypted(logger, encrypted);
        }
        return elements;
    }

    /// <summary>
    /// Stops when the stored keys were encrypted with another key-encryption key than this desk's (a lost or replaced key
    /// file, another environment variable). Going on would have Data Protection find no usable key and quietly make a new
    /// one: every stored secret would be lost and everyone signed out, with nothing saying why.
    /// </summary>
    private void RefuseAnotherKeyEncryptionKey(List<XElement> elements)
    {
        if (encryptor is not AesGcmXmlEncryptor aes)
        {
            return;
        }
        var other = elements.SelectMany(e => e.Descendants(AesGcmXmlEncryptor.ElementName))
            .Select(e => (string?)e.Attribute("keyId"))
            .FirstOrDefault(id => id is not null && id != aes.Key.Id);
        if (other is not null)
        {
            throw new CryptographicException(
                $"The Data Protection keys in the database were encrypted with key-encryption key {other}, but this desk has key " +
                $"{aes.Key.Id} from {aes.Key.Source}. Put back the key file (DataProtection:KeyFile) or the environment variable " +
                "(DataProtection:KeyEnvironmentVariable) this database was used with; without it the stored secrets cannot be read.");
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // Data Protection has encrypted it already (the encryptor is set); this only guards against a key that was not.
        EncryptSecrets(element);
        using var db = dbFactory.CreateDbContext();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }

    /// <summary>Replaces each part marked <c>requiresEncryption</c> as Data Protection itself does. True when one was found.</summary>
    private bool EncryptSecrets(XElement key)
    {
        var plain = key.Descendants().Where(e => (bool?)e.Attribute(DataProtectionNamespace + "requiresEncryption") == true).ToList();
        foreach (var part in plain)
        {
            var info = encryptor.Encrypt(part);
            part.ReplaceWith(new XElement(DataProtectionNamespace + "encryptedSecret",
                new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
        }
        return plain.Count > 0;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} Data Protection key(s) were stored unencrypted; they are now encrypted with the key-encryption key")]
        public static partial void KeysEncrypted(ILogger logger, int count);
    }
}
