namespace AutomationDesk.Core.Steps;

/// <summary>
/// The groups the editor's step picker shows step types in (<see cref="StepTypeAttribute.Category"/>), so a person
/// looking for "something that waits" or "something that emails" finds it among a handful instead of every type.
/// </summary>
public static class StepCategory
{
    /// <summary>Steps that decide what runs and when: conditions, waits, loops, sub-workflows, stop.</summary>
    public const string Flow = "Flow";

    /// <summary>Steps that shape or keep data: transforms, code, records.</summary>
    public const string Data = "Data";

    /// <summary>Steps that call another service: HTTP, AI, n8n, ComfyUI.</summary>
    public const string Integrations = "Integrations";

    /// <summary>Steps that reach or wait for a person: email, notifications, approvals.</summary>
    public const string People = "People";

    /// <summary>Every category, in the order the picker shows them.</summary>
    public static IReadOnlyList<string> All { get; } = [Flow, Data, Integrations, People];
}
