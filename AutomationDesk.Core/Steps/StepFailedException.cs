namespace AutomationDesk.Core.Steps;

/// <summary>A step failure with a sentence for a person; the technical detail goes in <see cref="Exception.Message"/> or the inner exception.</summary>
public sealed class StepFailedException : Exception
{
    public StepFailedException(string human, string? technical = null, Exception? inner = null)
        : base(technical ?? human, inner) => Human = human;

    public string Human { get; }

    /// <summary>
    /// Whether another attempt may succeed: a network error, a timeout, HTTP 408, 429 or 5xx. Bad settings, refused
    /// addresses and other 4xx answers fail the same way every time, so a retry policy does not repeat them.
    /// </summary>
    public bool Transient { get; init; }

    /// <summary>How long the other side asked to be left alone (HTTP <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }
}
