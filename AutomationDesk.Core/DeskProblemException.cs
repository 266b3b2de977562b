namespace AutomationDesk.Core;

public enum ProblemKind { NotFound, Conflict, Invalid }

/// <summary>A refusal a caller can act on. Web turns it into a problem-details answer with the matching status.</summary>
public sealed class DeskProblemException(ProblemKind kind, string title, string detail) : Exception(detail)
{
    public ProblemKind Kind { get; } = kind;
    public string Title { get; } = title;
}
