using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Core.Security;

/// <summary>The Data Protection keys in the database are encrypted with a key that is not in it.</summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private const string Value = "sk_live_protected_value_1";
    // The purposes ASP.NET Core's cookie handler protects the Identity cookie with.
    private static readonly string[] CookiePurposes = ["Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", "Identity.Application", "v2"];
    private readonly string _copyFolder = Path.Combine(Path.GetTempPath(), "desk-copy-" + Guid.NewGuid().ToString("N"));
    private CoreDesk _desk = null!;

    private string KeyFile => Path.Combine(Path.GetDirectoryName(_desk.DatabasePath)!, "keys", DeskDataProtection.DefaultKeyFileName);

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        await _desk.Get<SecretStore>().SetAsync("stripe", Value, Actor.System, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _desk.DisposeAsync();
        if (Directory.Exists(_copyFolder))
        {
            Directory.Delete(_copyFolder, recursive: true);
        }
    }

    [Fact]
    public async Task The_key_file_is_made_on_first_start_readable_by_the_owner_only()
    {
        Assert.True(File.Exists(KeyFile));
        Assert.Equal(KeyEncryptionKey.Size, Convert.FromBase64String((await File.ReadAllTextAsync(KeyFile)).Trim()).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(KeyFile)!));
        }
    }

    [Fact]
    public async Task The_stored_keys_hold_no_clear_key_material()
    {
        await using var db = _desk.NewDb();
        var keys = await db.DataProtectionKeys.AsNoTracking().ToListAsync();

        var key = Assert.Single(keys);
        Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
        Assert.Contains("aesGcmEncrypted", key.Xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_desk_whose_key_file_was_lost_refuses_to_read_the_keys_and_says_which_key_it_needs()
    {
        SqliteConnection.ClearAllPools();
        var copy = CopyDatabase();

        await using var restored = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:Desk"] = $"Data Source={copy}" });

        var refused = await Assert.ThrowsAnyAsync<CryptographicException>(() => restored.Get<SecretStore>().RevealAsync(["stripe"], CancellationToken.None));
        Assert.Contains("Put back the key file", refused.Message, StringComparison.Ordinal);
        await using var db = restored.NewDb();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync()); // no new key was made over the old ones
    }

    [Fact]
    public async Task A_copy_of_the_database_without_the_key_file_cannot_decrypt_secrets_or_accept_cookies()
    {
        var cookie = CookieFormat(_desk.Services).Protect(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin@desk.test")], "Identity.Application")), "Identity.Application"));
        Assert.NotNull(CookieFormat(_desk.Services).Unprotect(cookie));
        SqliteConnection.ClearAllPools();
        var copy = CopyDatabase();

        await using var thief = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:Desk"] = $"Data Source={copy}" });

        await Assert.ThrowsAnyAsync<CryptographicException>(() => thief.Get<SecretStore>().RevealAsync(["stripe"], CancellationToken.None));
        Assert.Null(CookieFormat(thief.Services).Unprotect(cookie));
    }

    [Fact]
    public async Task A_copy_of_the_database_with_the_key_file_reads_the_secrets()
    {
        SqliteConnection.ClearAllPools();
        var copy = CopyDatabase();

        await using var restored = await CoreDesk.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={copy}",
            ["DataProtection:KeyFile"] = KeyFile,
        });

        Assert.Equal(Value, (await restored.Get<SecretStore>().RevealAsync(["stripe"], CancellationToken.None))["stripe"]);
    }

    [Fact]
    public async Task A_key_from_an_environment_variable_is_used_instead_of_a_key_file()
    {
        var variable = "DESK_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyEncryptionKey.Size)));
        try
        {
            await using var desk = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["DataProtection:KeyEnvironmentVariable"] = variable });
            await desk.Get<SecretStore>().SetAsync("token", Value, Actor.System, CancellationToken.None);

            Assert.Equal(Value, (await desk.Get<SecretStore>().RevealAsync(["token"], CancellationToken.None))["token"]);
            Assert.Equal($"environment variable {variable}", desk.Get<KeyEncryptionKey>().Source);
            Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(desk.DatabasePath)!, "keys")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_certificate_named_in_settings_encrypts_the_keys_and_a_copy_without_it_decrypts_nothing()
    {
        Directory.CreateDirectory(_copyFolder);
        var pfx = Path.Combine(_copyFolder, "desk.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=AutomationDesk test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }
        var folder = Path.Combine(_copyFolder, "certified");
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "desk.db");
        await using (var certified = await CoreDesk.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={database}",
            ["DataProtection:CertificatePath"] = pfx,
            ["DataProtection:CertificatePassword"] = "pfx-password",
        }))
        {
            await certified.Get<SecretStore>().SetAsync("stripe", Value, Actor.System, CancellationToken.None);
            Assert.Equal(Value, (await certified.Get<SecretStore>().RevealAsync(["stripe"], CancellationToken.None))["stripe"]);
            await using var db = certified.NewDb();
            var key = await db.DataProtectionKeys.AsNoTracking().SingleAsync();
            Assert.Contains("EncryptedData", key.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(folder, "keys")));
        }
        SqliteConnection.ClearAllPools();

        await using var thief = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:Desk"] = $"Data Source={database}" });

        await Assert.ThrowsAnyAsync<CryptographicException>(() => thief.Get<SecretStore>().RevealAsync(["stripe"], CancellationToken.None));
    }

    [Fact]
    public async Task Keys_stored_unencrypted_by_an_older_desk_are_encrypted_at_start_and_still_read()
    {
        var folder = Path.Combine(_copyFolder, "old");
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "desk.db");
        string protectedByOldDesk;
        await using (var old = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:Desk"] = $"Data Source={database}" }))
        {
            // The desk as it was: keys in the database with no encryptor.
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddDbContext<DeskDbContext>(options => DeskDatabase.Configure(options, $"Data Source={database}"));
            services.AddDataProtection().SetApplicationName("AutomationDesk").PersistKeysToDbContext<DeskDbContext>();
            await using var oldProvider = services.BuildServiceProvider();
            protectedByOldDesk = oldProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector("AutomationDesk.Secrets.v1").Protect(Value);
        }
        SqliteConnection.ClearAllPools();
        await using (var check = new DeskDbContext(new DbContextOptionsBuilder<DeskDbContext>().UseSqlite($"Data Source={database}").Options))
        {
            Assert.Contains("<masterKey", (await check.DataProtectionKeys.SingleAsync()).Xml, StringComparison.Ordinal);
        }

        await using var upgraded = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:Desk"] = $"Data Source={database}" });
        var revealed = upgraded.Get<IDataProtectionProvider>().CreateProtector("AutomationDesk.Secrets.v1").Unprotect(protectedByOldDesk);

        Assert.Equal(Value, revealed);
        await using var db = upgraded.NewDb();
        var stored = await db.DataProtectionKeys.AsNoTracking().SingleAsync();
        Assert.DoesNotContain("<masterKey", stored.Xml, StringComparison.Ordinal);
        Assert.Contains("aesGcmEncrypted", stored.Xml, StringComparison.Ordinal);
    }

    private static TicketDataFormat CookieFormat(IServiceProvider services) =>
        new(services.GetRequiredService<IDataProtectionProvider>().CreateProtector(CookiePurposes[0], CookiePurposes[1..]));

    /// <summary>The database files (main, WAL, index) in a fresh folder, without the key folder beside them.</summary>
    private string CopyDatabase()
    {
        Directory.CreateDirectory(_copyFolder);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_desk.DatabasePath)!, "desk.db*"))
        {
            File.Copy(file, Path.Combine(_copyFolder, Path.GetFileName(file)));
        }
        return Path.Combine(_copyFolder, "desk.db");
    }
}
