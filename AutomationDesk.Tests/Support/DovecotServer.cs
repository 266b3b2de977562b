using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// A real IMAP server: Debian's Dovecot (<c>dovecot-imapd</c>, installed by <c>scripts/test.sh</c>) run as a process
/// with its own configuration in a temporary folder: one user from a passwd file, plaintext sign-in allowed, listening
/// on a free port of 127.0.0.1 only, mail kept as a Maildir in the folder. Dispose stops it and deletes the folder.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/dovecot";

    private readonly Process _process;
    private readonly string _folder;

    private DovecotServer(Process process, string folder, int port, string user, string password)
    {
        _process = process;
        _folder = folder;
        Port = port;
        User = user;
        Password = password;
    }

    public int Port { get; }

    public string User { get; }

    public string Password { get; }

    public static async Task<DovecotServer> StartAsync(string user = "desk")
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install Debian's dovecot-imapd (scripts/test.sh does).");
        }
        var folder = Path.Combine(Path.GetTempPath(), "desk-dovecot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "run"));
        Directory.CreateDirectory(Path.Combine(folder, "state"));
        // Run as root, Dovecot keeps mail as its own unprivileged user, which must be able to write here.
        var mail = Directory.CreateDirectory(Path.Combine(folder, "mail")).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(mail, (UnixFileMode)0b111_111_111);
        }
        var password = "imap-" + Guid.NewGuid().ToString("N")[..12];
        await File.WriteAllTextAsync(Path.Combine(folder, "passwd"), $"{user}:{{PLAIN}}{password}::::::\n");
        var port = FreePort();
        var config = Path.Combine(folder, "dovecot.conf");
        await File.WriteAllTextAsync(config, Configuration(folder, port));
        var process = Process.Start(new ProcessStartInfo(Binary, ["-F", "-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var server = new DovecotServer(process, folder, port, user, password);
        try
        {
            await server.WaitUntilListeningAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Puts a message in the user's INBOX over IMAP, as a mail server's delivery would.</summary>
    public async Task AppendAsync(MimeMessage message)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        await client.Inbox.AppendAsync(new MailKit.AppendRequest(message));
        await client.DisconnectAsync(true);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying child; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    /// <summary>Waits (bounded) until Dovecot greets on its port; a Dovecot that exits says why from its log.</summary>
    private async Task WaitUntilListeningAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            if (_process.HasExited)
            {
                break;
            }
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                using var reader = new StreamReader(probe.GetStream());
                if ((await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)))?.StartsWith("* OK", StringComparison.Ordinal) == true)
                {
                    return;
                }
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        var log = Path.Combine(_folder, "dovecot.log");
        var said = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
        if (_process.HasExited)
        {
            said += await _process.StandardError.ReadToEndAsync() + await _process.StandardOutput.ReadToEndAsync();
        }
        throw new InvalidOperationException($"Dovecot did not start on 127.0.0.1:{Port}: {said}");
    }

    /// <summary>
    /// Only this file is read (no conf.d). As root, Dovecot's own users of the Debian package run the login and mail
    /// processes (it refuses root for them); as anyone else, everything runs as that user.
    /// </summary>
    private static string Configuration(string folder, int port)
    {
        var root = Environment.UserName == "root";
        var (uid, gid) = root ? ("dovecot", "dovecot") : Ids();
        var internalUser = root ? "dovecot" : Environment.UserName;
        var loginUser = root ? "dovenull" : Environment.UserName;
        return $$"""
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            log_path = {{folder}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = {{internalUser}}
            default_internal_group = {{(root ? "dovecot" : gid)}}
            default_login_user = {{loginUser}}
            first_valid_uid = 1
            first_valid_gid = 1
            mail_location = maildir:{{folder}}/mail/%u
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{folder}}/passwd
            }
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{folder}}/mail/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            """;
    }

    /// <summary>This process's user and group ids, from /proc (what Dovecot's userdb wants for a non-root run).</summary>
    private static (string Uid, string Gid) Ids()
    {
        var status = File.ReadAllLines("/proc/self/status");
        string Field(string name) => status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        return (Field("Uid"), Field("Gid"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
