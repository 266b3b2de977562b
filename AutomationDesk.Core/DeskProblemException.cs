namespace AutomationDesk.Core;

public enum ProblemKind { NotFound, Conflict, Invalid, Forbidden }

/// <summary>A refusal a caller can act on. Web turns it into a problem-details answer with the matching status.</summary>
public sealed class DeskProblemException(ProblemKind kind, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(detail)
{
    public ProblemKind Kind { get; } = kind;
    public string Title { get; } = title;

    /// <summary>For invalid input: field → what is wrong with it.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;

    public static DeskProblemException InvalidField(string field, string message) =>
        new(ProblemKind.Invalid, $"Invalid {field}", $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });
}
