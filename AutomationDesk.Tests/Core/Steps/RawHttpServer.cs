using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>
/// A bare TCP server on 127.0.0.1 that keeps every byte a client sends, without parsing it as HTTP would. It answers
/// each connection once (200, "ok", then closes), after the end of the first header block. A request smuggled in
/// behind the first shows up in <see cref="Received"/> as a second request line.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _received = new();
    private readonly Task _accepting;
    private readonly SemaphoreSlim _closed = new(0);
    private int _connections;
    private int _taken;

    private RawHttpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>
    /// How many connections were accepted. A client gets its answer only after its connection is accepted, so once a
    /// step has finished this counts every connection it made.
    /// </summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Everything each connection carried, as text, once the connection has closed.</summary>
    public IReadOnlyCollection<string> Received => _received;

    public static RawHttpServer Start() => new();

    /// <summary>What the next connection carried, once it has closed.</summary>
    public async Task<string> NextReceivedAsync()
    {
        Assert.True(await _closed.WaitAsync(TimeSpan.FromSeconds(10)), "No connection closed within 10 s.");
        return _received.ElementAt(_taken++);
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            using (socket)
            {
                _received.Enqueue(await ServeAsync(socket, ct));
                _closed.Release();
            }
        }
    }

    /// <summary>Reads until the client has sent a header block, answers, and reads on until the client closes.</summary>
    private static async Task<string> ServeAsync(Socket socket, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        var answered = false;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, idle.Token)) > 0)
            {
                text.Append(Encoding.Latin1.GetString(buffer, 0, read));
                if (!answered && text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    answered = true;
                    await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray(), idle.Token);
                    socket.Shutdown(SocketShutdown.Send);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // The client went away or stayed silent: what it sent so far is the record.
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        _closed.Dispose();
    }
}
