using AutomationDesk.Core.Execution;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// Ends running work <see cref="EngineOptions.ShutdownGrace"/> after the desk starts to stop (SIGTERM): the runner then
/// cancels its steps and releases its lease, so the next start runs them again at once.
/// </summary>
public sealed class ShutdownGrace : IDisposable
{
    private readonly CancellationTokenSource _ended;
    private readonly CancellationTokenRegistration _stopping;

    public ShutdownGrace(IHostApplicationLifetime lifetime, IOptions<EngineOptions> options, TimeProvider time)
    {
        _ended = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var grace = options.Value.ShutdownGrace;
        _stopping = lifetime.ApplicationStopping.Register(() => _ended.CancelAfter(grace));
    }

    public CancellationToken Ended => _ended.Token;

    public void Dispose()
    {
        _stopping.Dispose();
        _ended.Dispose();
    }
}
