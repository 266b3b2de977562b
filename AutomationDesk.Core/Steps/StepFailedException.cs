namespace AutomationDesk.Core.Steps;

/// <summary>A step failure with a sentence for a person; the technical detail goes in <see cref="Exception.Message"/> or the inner exception.</summary>
public sealed class StepFailedException : Exception
{
    public StepFailedException(string human, string? technical = null, Exception? inner = null)
        : base(technical ?? human, inner) => Human = human;

    public string Human { get; }
}
