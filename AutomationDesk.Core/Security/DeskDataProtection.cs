using AutomationDesk.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Core.Security;

public static class DeskDataProtection
{
    public const string DefaultKeyFileName = "dataprotection.key";

    /// <summary>
    /// Data Protection (secrets, cookies, signing secrets) with its keys in the database, each encrypted with a
    /// <see cref="KeyEncryptionKey"/> that is not: a copy of the database alone decrypts nothing.
    /// </summary>
    public static IServiceCollection AddDeskDataProtection(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var options = configuration.GetSection(DataProtectionKeyOptions.Section).Get<DataProtectionKeyOptions>() ?? new DataProtectionKeyOptions();
        var defaultKeyFile = Path.Combine(DeskDatabase.FolderOf(connectionString) ?? "data", "keys", DefaultKeyFileName);
        services.AddSingleton(_ => KeyEncryptionKey.Load(options, defaultKeyFile));
        services.AddSingleton<AesGcmXmlEncryptor>();
        services.AddSingleton<EncryptedKeyRepository>();
        services.AddDataProtection().SetApplicationName("AutomationDesk");
        services.AddOptions<KeyManagementOptions>().Configure<EncryptedKeyRepository, AesGcmXmlEncryptor>((keys, repository, encryptor) =>
        {
            keys.XmlRepository = repository;
            keys.XmlEncryptor = encryptor;
        });
        return services;
    }
}
