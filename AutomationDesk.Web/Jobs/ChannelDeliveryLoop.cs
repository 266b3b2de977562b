using AutomationDesk.Core.Notifications.Channels;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// Sends notification deliveries in the background: woken at once when a notification wrote deliveries, and every few
/// seconds for retries that came due and for rows left by a stop (the rows are the queue, so a restart loses none).
/// A background loop rather than a Hangfire job: Hangfire's storage here is in memory and its recurring jobs fire at
/// most once a minute, while a Slack message should follow its notification within seconds.
/// </summary>
public sealed class ChannelDeliveryLoop(ChannelDeliveries deliveries, ILogger<ChannelDeliveryLoop> log) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        deliveries.Queued += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int sent;
                try
                {
                    sent = await deliveries.SendDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Sending notification deliveries failed; trying again in {Interval}.", PollInterval);
                    sent = 0;
                }
                if (sent < ChannelDeliveries.BatchSize)
                {
                    await _wake.WaitAsync(PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was not sent stays pending for the next start.
        }
        finally
        {
            deliveries.Queued -= Wake;
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
