using Microsoft.JSInterop;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>
/// The time zone of the browser at the other end of this circuit (one per circuit: a scoped service). Times are stored
/// in UTC; pages show them in this zone. Until the browser has answered — while prerendering, in bunit, or when the
/// browser names a zone this server does not know — it is UTC.
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js)
{
    private Task? _asking;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>Raised once the browser's zone is known, so times already shown in UTC are drawn again.</summary>
    public event Action? Changed;

    /// <summary>Sets the zone directly (tests, or a zone the person chose), and stops asking the browser.</summary>
    public void Use(TimeZoneInfo zone)
    {
        _asking = Task.CompletedTask;
        Zone = zone;
        Changed?.Invoke();
    }

    /// <summary>Asks the browser once per circuit; later calls wait for the same answer. Call it after a render, when JS is there.</summary>
    public Task AskBrowserAsync() => _asking ??= AskAsync();

    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>What a hover shows: the moment in UTC, ISO 8601.</summary>
    public static string Utc(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    private async Task AskAsync()
    {
        try
        {
            // Intl.DateTimeFormat() gives a formatter; its resolvedOptions() names the zone, e.g. "Europe/Berlin".
            await using var format = await js.InvokeAsync<IJSObjectReference>("Intl.DateTimeFormat");
            var options = format is null ? null : await format.InvokeAsync<ResolvedOptions?>("resolvedOptions");
            if (options?.TimeZone is { Length: > 0 } name && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone))
            {
                Zone = zone;
                Changed?.Invoke();
            }
        }
#pragma warning disable CA1031 // A browser that cannot answer (or a circuit going away) leaves times in UTC; it must not end the page.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private sealed record ResolvedOptions(string? TimeZone);
}
