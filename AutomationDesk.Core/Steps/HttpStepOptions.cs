using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Core.Steps;

/// <summary>Limits of outgoing HTTP from steps. Bound from the <c>Http</c> section.</summary>
public sealed class HttpStepOptions
{
    /// <summary>Let steps call loopback, private, link-local and other internal addresses. Off by default.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Host names steps may reach even when they resolve to internal addresses (an intranet service the desk is
    /// meant to call). Only the name is trusted: a redirect from it to another internal host is still refused.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>A response body larger than this fails the step.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 5 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
