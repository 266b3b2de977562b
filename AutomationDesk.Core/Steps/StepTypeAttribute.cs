namespace AutomationDesk.Core.Steps;

/// <summary>Names a step type. The only place the name is spelled: the registry, API and editor read it from here.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StepTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    /// <summary>The label a person sees in the editor.</summary>
    public string Label { get; init; } = "";

    /// <summary>The picker's group for this type, one of <see cref="StepCategory"/>; a test covers that every type of the desk names one.</summary>
    public string Category { get; init; } = "";

    /// <summary>One line on what the step does, shown under its label in the editor's step picker.</summary>
    public string Summary { get; init; } = "";

    /// <summary>True when running the step again changes the world (sends, writes, calls): shown before a re-run.</summary>
    public bool HasSideEffects { get; init; }

    /// <summary>
    /// The desk setting that names the connection this step uses when its config names none
    /// (<c>email.defaultConnection</c>); null for a step that needs no connection or always names one.
    /// </summary>
    public string? DefaultConnectionSetting { get; init; }

    /// <summary>
    /// How long one attempt may take when the step sets no <c>timeout</c>, for a type that waits on purpose (a ComfyUI
    /// render); 0 means the engine's default (<c>Engine:DefaultStepTimeout</c>).
    /// </summary>
    public int DefaultTimeoutMinutes { get; init; }

    /// <summary>
    /// The same in seconds, for a type whose work is short by nature (a code step's script: 1 s); 0 leaves it to
    /// <see cref="DefaultTimeoutMinutes"/>.
    /// </summary>
    public int DefaultTimeoutSeconds { get; init; }

    /// <summary>
    /// The longest <c>timeout</c> a step of this type may set, refused at save beyond it (a code step's script: 30 s);
    /// 0 means only the engine's own ceiling applies.
    /// </summary>
    public int MaxTimeoutSeconds { get; init; }

    /// <summary>
    /// The config field resolved once per item by the step itself (<c>foreach</c>'s <c>input</c>), where templates may
    /// also read <c>${item}</c> and <c>${index}</c>. The engine resolves the rest of the config and hands the step the
    /// run's template scope (<see cref="StepContext.TemplateScope"/>).
    /// </summary>
    public string? PerItemField { get; init; }
}
