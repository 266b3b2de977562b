using System.Security.Cryptography.X509Certificates;
using AutomationDesk.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Security;

public static class DeskDataProtection
{
    public const string DefaultKeyFileName = "dataprotection.key";

    /// <summary>
    /// Data Protection (secrets, cookies, signing secrets) with its keys in the database, each encrypted with a key
    /// that is not: a <see cref="KeyEncryptionKey"/> (key file or environment variable), or a certificate when
    /// <c>DataProtection:CertificatePath</c> is set. A copy of the database alone decrypts nothing.
    /// </summary>
    public static IServiceCollection AddDeskDataProtection(this IServiceCollection services, IConfiguration configuration, string? databaseFolder)
    {
        var options = configuration.GetSection(DataProtectionKeyOptions.Section).Get<DataProtectionKeyOptions>() ?? new DataProtectionKeyOptions();
        var protection = services.AddDataProtection().SetApplicationName("AutomationDesk");
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"The certificate {options.CertificatePath} (DataProtection:CertificatePath) has no private key to decrypt keys with.");
            }
            protection.UnprotectKeysWithAnyCertificate(certificate);
            services.AddSingleton<IXmlEncryptor>(sp => new CertificateXmlEncryptor(certificate, sp.GetRequiredService<ILoggerFactory>()));
        }
        else
        {
            var defaultKeyFile = Path.Combine(databaseFolder ?? "data", "keys", DefaultKeyFileName);
            services.AddSingleton(_ => KeyEncryptionKey.Load(options, defaultKeyFile));
            services.AddSingleton<IXmlEncryptor, AesGcmXmlEncryptor>();
        }
        services.AddSingleton<EncryptedKeyRepository>();
        services.AddOptions<KeyManagementOptions>().Configure<EncryptedKeyRepository, IXmlEncryptor>((keys, repository, encryptor) =>
        {
            keys.XmlRepository = repository;
            keys.XmlEncryptor = encryptor;
        });
        return services;
    }
}
