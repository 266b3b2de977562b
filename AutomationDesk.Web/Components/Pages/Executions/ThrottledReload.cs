namespace AutomationDesk.Web.Components.Pages.Executions;

/// <summary>
/// A page's reload on live events. Reloads run at least <c>minInterval</c> apart, and requests that arrive while one
/// waits or runs cause exactly one more, so a burst of run events costs two queries, not one per event. Call it on the
/// component's dispatcher (inside <c>InvokeAsync</c>): the flags are not shared between threads.
/// </summary>
public sealed class ThrottledReload(Func<Task> reload, TimeProvider time, TimeSpan minInterval)
{
    private bool _running;
    private bool _again;
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public async Task RequestAsync()
    {
        if (_running)
        {
            _again = true;
            return;
        }
        _running = true;
        try
        {
            do
            {
                _again = false;
                var wait = _last == DateTimeOffset.MinValue ? TimeSpan.Zero : _last + minInterval - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time);
                }
                _last = time.GetUtcNow();
                await reload();
            }
            while (_again);
        }
        finally
        {
            _running = false;
        }
    }
}
