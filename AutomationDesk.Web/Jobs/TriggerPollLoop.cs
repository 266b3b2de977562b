using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// Polls the email and file triggers that are due, every second. A background loop rather than a Hangfire recurring
/// job: recurring jobs fire at most once a minute here, and a file trigger may poll every second. Which trigger is due
/// and whether this node may poll it are decided in the database (<see cref="TriggerPoller"/>), so a restart or a
/// second node neither skips nor doubles a poll.
/// </summary>
public sealed partial class TriggerPollLoop(TriggerPoller poller, TimeProvider time, ILogger<TriggerPollLoop> log) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await poller.PollDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.PassFailed(log, e, Tick);
                }
                await Task.Delay(Tick, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: each trigger's next poll is in the database for the next start.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Polling email and file triggers failed; trying again in {Interval}")]
        public static partial void PassFailed(ILogger logger, Exception exception, TimeSpan interval);
    }
}
