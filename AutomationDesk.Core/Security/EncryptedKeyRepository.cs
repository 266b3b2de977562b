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
        if (encrypted > 0)
        {
            db.SaveChanges();
            Log.KeysEncrypted(logger, encrypted);
        }
        return elements;
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
