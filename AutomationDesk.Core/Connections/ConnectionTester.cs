using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// Runs a connection's test (bounded in time), keeps the outcome as its health, and says what happened in a
/// person's words. The background refresh and the Test button both come here.
/// </summary>
public sealed partial class ConnectionTester(ConnectionStore store, ConnectionTypes types, TimeProvider time, ILogger<ConnectionTester> logger)
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Tests the named connection and records its health; null when there is no such connection.</summary>
    public async Task<ConnectionTestResult?> TestAsync(string name, CancellationToken ct)
    {
        var settings = await store.ResolveAsync(name, ct);
        if (settings is null)
        {
            return null;
        }
        var result = await RunAsync(settings, ct);
        await store.RecordHealthAsync(name, result, CancellationToken.None);
        return result;
    }

    /// <summary>Tests every connection, one after another; a failure of one does not stop the others.</summary>
    public async Task<int> TestAllAsync(CancellationToken ct)
    {
        var connections = await store.ListAsync(ct);
        foreach (var connection in connections)
        {
            ct.ThrowIfCancellationRequested();
            await TestAsync(connection.Name, ct);
        }
        return connections.Count;
    }

    private async Task<ConnectionTestResult> RunAsync(ConnectionSettings settings, CancellationToken ct)
    {
        if (types.Find(settings.Type) is not { } type)
        {
            return ConnectionTestResult.Failed($"This desk does not know the connection type '{settings.Type}'.");
        }
        var started = time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Limit);
        ConnectionTestResult result;
        try
        {
            result = await type.TestAsync(settings, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result = ConnectionTestResult.Failed($"No answer within {Limit.TotalSeconds:N0} s.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or AuthenticationException
            or InvalidOperationException or FormatException or System.Text.Json.JsonException or UriFormatException or Steps.StepFailedException
            || e.GetType().Namespace?.StartsWith("MailKit", StringComparison.Ordinal) == true)
        {
            Log.TestFailed(logger, settings.Name, e.GetType().Name);
            result = ConnectionTestResult.Failed(e is Steps.StepFailedException failed ? failed.Human : e.Message);
        }
        // A service may echo a credential in its error (a URL with a token): the detail is shown to every user.
        var masker = new Security.SecretMasker(settings.Secrets.Values);
        return result with { Detail = masker.Apply(result.Detail) ?? "", LatencyMs = (int)time.GetElapsedTime(started).TotalMilliseconds };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "The test of connection {Name} failed: {Error}")]
        public static partial void TestFailed(ILogger logger, string name, string error);
    }
}
