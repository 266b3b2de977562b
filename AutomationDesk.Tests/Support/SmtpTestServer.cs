using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// A real SMTP server (the SmtpServer package) on a free loopback port, in process. It keeps every message it receives
/// with its envelope; <see cref="Answer"/> chooses the answer to each DATA (a 4xx to the first, a 5xx to all), a
/// <see cref="Login"/> makes it demand AUTH, a certificate makes it offer STARTTLS.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;
    private int _attempts;

    /// <summary>A message as it arrived: envelope sender and recipients, the parsed message, who signed in, over TLS or not.</summary>
    public sealed record Received(string From, IReadOnlyList<string> Recipients, MimeMessage Message, string? User, bool Secure);

    private SmtpTestServer(SmtpServer.SmtpServer server, CancellationTokenSource stop, int port, Task running)
    {
        _server = server;
        _stop = stop;
        Port = port;
        _running = running;
    }

    public int Port { get; }

    /// <summary>Every DATA the server was sent, accepted or not, in order.</summary>
    public ConcurrentQueue<Received> Attempts { get; } = new();

    /// <summary>The messages the server accepted.</summary>
    public ConcurrentQueue<Received> Accepted { get; } = new();

    /// <summary>The answer to the n-th DATA (1-based); null accepts it.</summary>
    public Func<int, (int Code, string Text)?> Answer { get; set; } = _ => null;

    /// <summary>The one user name and password the server accepts, when it demands AUTH.</summary>
    public (string User, string Password)? Login { get; private init; }

    public static async Task<SmtpTestServer> StartAsync(X509Certificate2? certificate = null, (string User, string Password)? login = null)
    {
        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)).IsSecure(false)
                    .AllowUnsecureAuthentication(true).AuthenticationRequired(login is not null);
                if (certificate is not null)
                {
                    endpoint.Certificate(certificate);
                }
            })
            .Build();
        var box = new StrongBox<SmtpTestServer>();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(box));
        if (login is { } expected)
        {
            services.Add(new DelegatingUserAuthenticator((_, user, password) => user == expected.User && password == expected.Password));
        }
        var server = new SmtpServer.SmtpServer(options, services);
        var stop = new CancellationTokenSource();
        var running = server.StartAsync(stop.Token);
        var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        box.Value = new SmtpTestServer(server, stop, port, running) { Login = login };
        return box.Value;
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }
        _stop.Dispose();
    }

    private sealed class StrongBox<T>
    {
        public T? Value { get; set; }
    }

    private sealed class Store(StrongBox<SmtpTestServer> server) : IMessageStore
    {
        public Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var owner = server.Value!;
            using var stream = new MemoryStream(buffer.ToArray());
            var received = new Received(
                transaction.From.AsAddress(), transaction.To.Select(t => t.AsAddress()).ToList(), MimeMessage.Load(stream, cancellationToken),
                context.Authentication.IsAuthenticated ? context.Authentication.User : null, context.Pipe.IsSecure);
            owner.Attempts.Enqueue(received);
            if (owner.Answer(Interlocked.Increment(ref owner._attempts)) is { } answer)
            {
                return Task.FromResult(new SmtpResponse((SmtpReplyCode)answer.Code, answer.Text));
            }
            owner.Accepted.Enqueue(received);
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
