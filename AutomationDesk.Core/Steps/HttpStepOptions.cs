using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Core.Steps;

/// <summary>Limits of outgoing HTTP from steps. Bound from the <c>Http</c> section.</summary>
public sealed class HttpStepOptions : IValidatableObject
{
    /// <summary>Let steps call loopback, private, link-local, this host's own and other internal addresses. Off by default.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Hosts steps may reach even when they resolve to internal addresses (an intranet service the desk is meant to
    /// call), each with an optional port (see <see cref="AllowedHost"/>): <c>intranet.example</c> allows ports 80 and
    /// 443 only, <c>localhost:8080</c> that port only. Only the name is trusted: a redirect from it to another internal
    /// host is still refused.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>A response body larger than this fails the step.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 5 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>The entries of <see cref="AllowedHosts"/> that read; the others fail the start (see <see cref="Validate"/>).</summary>
    public IEnumerable<AllowedHost> AllowedHostEntries() =>
        AllowedHosts.Select(entry => AllowedHost.TryParse(entry, out var allowed, out _) ? allowed : null).OfType<AllowedHost>();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => AllowedHosts
        .Select(entry => AllowedHost.TryParse(entry, out _, out var error) ? null : new ValidationResult(error, [nameof(AllowedHosts)]))
        .OfType<ValidationResult>();
}
