using System.Security.Cryptography;

namespace AutomationDesk.Core.Security;

/// <summary>
/// The 256-bit key that encrypts the Data Protection keys stored in the database. It never goes into the database: it
/// is read from an environment variable named in settings, or from a key file (by default <c>keys/dataprotection.key</c>
/// beside the database) that is made on first start, readable by the owner only.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int Size = 32;

    private readonly byte[] _key;

    private KeyEncryptionKey(byte[] key, string source)
    {
        _key = key;
        Source = source;
        Id = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
    }

    /// <summary>Names the key without revealing it, so a desk given the wrong key can say so.</summary>
    public string Id { get; }

    /// <summary>Where the key came from, for messages.</summary>
    public string Source { get; }

    public ReadOnlySpan<byte> Bytes => _key;

    /// <summary>The key from <c>DataProtection:KeyEnvironmentVariable</c> when set, else from the key file (made when missing).</summary>
    public static KeyEncryptionKey Load(DataProtectionKeyOptions options, string defaultKeyFile)
    {
        if (!string.IsNullOrWhiteSpace(options.KeyEnvironmentVariable))
        {
            var name = options.KeyEnvironmentVariable.Trim();
            var text = Environment.GetEnvironmentVariable(name)
                ?? throw new InvalidOperationException($"DataProtection:KeyEnvironmentVariable names {name}, which is not set: set it to a base64 key of {Size} bytes.");
            return new KeyEncryptionKey(Parse(text, $"environment variable {name}"), $"environment variable {name}");
        }
        var file = Path.GetFullPath(string.IsNullOrWhiteSpace(options.KeyFile) ? defaultKeyFile : options.KeyFile);
        return new KeyEncryptionKey(ReadOrCreate(file), file);
    }

    public static KeyEncryptionKey FromBytes(byte[] key, string source) =>
        key.Length == Size ? new KeyEncryptionKey(key, source) : throw new ArgumentException($"A key is {Size} bytes.", nameof(key));

    private static byte[] ReadOrCreate(string file)
    {
        if (!File.Exists(file))
        {
            var folder = Path.GetDirectoryName(file)!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var key = RandomNumberGenerator.GetBytes(Size);
            var created = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                created.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            try
            {
                using var writer = new StreamWriter(file, created);
                writer.WriteLine(Convert.ToBase64String(key));
                return key;
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process sharing the database made it first: use theirs.
            }
        }
        return Parse(File.ReadAllText(file), $"key file {file}");
    }

    private static byte[] Parse(string text, string source)
    {
        try
        {
            var key = Convert.FromBase64String(text.Trim());
            return key.Length == Size ? key : throw new InvalidOperationException($"The {source} holds {key.Length} bytes; the key is {Size} bytes, base64.");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The {source} is not base64: it holds a key of {Size} bytes, base64.");
        }
    }
}
