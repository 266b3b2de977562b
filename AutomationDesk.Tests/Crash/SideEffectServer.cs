using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Crash;

/// <summary>
/// The outside world a workflow acts on: counts every request to <c>/effect/{step}</c> by its <c>Idempotency-Key</c>
/// (<c>{executionId}:{stepId}</c>), counted when it arrives. Requests to <c>/effect/slow</c> are held until
/// <see cref="ReleaseSlow"/>, so a test can stop the desk while runs are in the middle of that step. Requests to
/// <c>/effect/brief</c> are each held for <see cref="BriefHold"/> and counted while held: runs that overlap at all overlap
/// there, so <see cref="MostBriefAtOnce"/> shows how many ran at once.
/// </summary>
public sealed class SideEffectServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _arrivals = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _slowReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _slowHeld;
    private int _briefHeld;
    private int _mostBriefAtOnce;
    private LoopbackServer _server = null!;

    /// <summary>How many requests are held in the slow step right now.</summary>
    public int SlowHeld => Volatile.Read(ref _slowHeld);

    /// <summary>How long each <c>/effect/brief</c> request is held: long next to the desk's own work between two runs' requests.</summary>
    public static TimeSpan BriefHold { get; } = TimeSpan.FromMilliseconds(400);

    /// <summary>The most <c>/effect/brief</c> requests that were held at the same moment.</summary>
    public int MostBriefAtOnce => Volatile.Read(ref _mostBriefAtOnce);

    public static async Task<SideEffectServer> StartAsync()
    {
        var effects = new SideEffectServer();
        effects._server = await LoopbackServer.StartAsync(app => app.MapPost("/effect/{step}", effects.ReceiveAsync));
        return effects;
    }

    public string Url(string step) => _server.Url($"/effect/{step}");

    /// <summary>How many times the side effect of <paramref name="stepId"/> in run <paramref name="executionId"/> arrived.</summary>
    public int Arrivals(Guid executionId, string stepId) => _arrivals.GetValueOrDefault($"{executionId}:{stepId}");

    /// <summary>A copy of every key's count, e.g. to compare before and after a crash.</summary>
    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_arrivals, StringComparer.Ordinal);

    public void ReleaseSlow() => _slowReleased.TrySetResult();

    private async Task<IResult> ReceiveAsync(string step, HttpContext http)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return Results.BadRequest("No Idempotency-Key header.");
        }
        _arrivals.AddOrUpdate(key, 1, (_, count) => count + 1);
        if (step == "slow")
        {
            Interlocked.Increment(ref _slowHeld);
            try
            {
                await _slowReleased.Task.WaitAsync(http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The desk went away mid-request.
                return Results.Empty;
            }
            finally
            {
                Interlocked.Decrement(ref _slowHeld);
            }
        }
        if (step == "brief")
        {
            await HoldBrieflyAsync(http.RequestAborted);
        }
        return Results.Json(new { step, key });
    }

    private async Task HoldBrieflyAsync(CancellationToken aborted)
    {
        var now = Interlocked.Increment(ref _briefHeld);
        for (var most = MostBriefAtOnce; now > most; most = MostBriefAtOnce)
        {
            Interlocked.CompareExchange(ref _mostBriefAtOnce, now, most);
        }
        try
        {
            await Task.Delay(BriefHold, aborted);
        }
        catch (OperationCanceledException)
        {
            // The desk went away mid-request; the answer goes nowhere.
        }
        finally
        {
            Interlocked.Decrement(ref _briefHeld);
        }
    }

    public ValueTask DisposeAsync()
    {
        ReleaseSlow();
        return _server.DisposeAsync();
    }
}
