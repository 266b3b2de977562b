using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Workflows;

/// <summary>
/// A ready-made set of workflows from the gallery: an export file (<c>{ "workflows", "connections" }</c>) with a
/// top-level <c>template</c> object of its own metadata, which the importer ignores.
/// </summary>
/// <param name="Export">The export file without its <c>template</c> object, as the importer reads it.</param>
public sealed record WorkflowTemplate(TemplateSummary Summary, JsonObject Export);

/// <summary>What the gallery shows of a template: its card, and what it asks a person to fill in.</summary>
/// <param name="Main">The workflow the editor opens once the template is used.</param>
/// <param name="StepTypes">Every step type its workflows use, in order of first use.</param>
/// <param name="Triggers">The trigger type of each of its workflows.</param>
public sealed record TemplateSummary(
    string Id, string Name, string Description, string Category, Guid Main, IReadOnlyList<string> WorkflowNames,
    IReadOnlyList<string> StepTypes, IReadOnlyList<string> Triggers, IReadOnlyList<TemplateConnection> Connections, IReadOnlyList<TemplateSecret> Secrets);

/// <summary>A connection the template's workflows name: its type and what it is for.</summary>
public sealed record TemplateConnection(string Name, string Type, string Help);

/// <summary>A secret the template's workflows read as <c>${secrets.name}</c>, and where its value comes from.</summary>
public sealed record TemplateSecret(string Name, string Help);

/// <summary>
/// What using a template made: the new workflows (the main one first) and what is left to fill in before they run.
/// </summary>
/// <param name="ToDo">Each thing to do, in a person's words, in the order to do it; empty when the workflows are ready.</param>
public sealed record TemplateInstance(
    string TemplateId, Guid MainWorkflowId, IReadOnlyList<CreatedWorkflow> Workflows,
    IReadOnlyList<ConnectionNeed> Connections, IReadOnlyList<SecretNeed> Secrets, IReadOnlyList<string> ToDo);

/// <summary>What a template's workflows lack on this desk: the connections and secrets they name, and what to do about them.</summary>
public sealed record TemplateNeeds(IReadOnlyList<ConnectionNeed> Connections, IReadOnlyList<SecretNeed> Secrets, IReadOnlyList<string> ToDo);

public sealed record CreatedWorkflow(Guid Id, string Name, string TriggerType, bool Enabled);

/// <summary>Where a connection the new workflows name stands on this desk.</summary>
/// <param name="State">One of <see cref="ConnectionNeeds"/>.</param>
/// <param name="CreatedNow">Made by this use of the template, with the template's example settings and no secrets.</param>
/// <param name="Problem">What its settings still lack (<c>secrets.password: Required.</c>), when <see cref="ConnectionNeeds.Incomplete"/>.</param>
public sealed record ConnectionNeed(string Name, string Type, string State, bool CreatedNow, string Help, string? Problem);

public sealed record SecretNeed(string Name, bool Exists, string Help);

public static class ConnectionNeeds
{
    /// <summary>It exists and its settings are complete (whether they work, its test tells).</summary>
    public const string Ready = "ready";
    /// <summary>It exists (perhaps made just now by the template) but lacks a setting its type requires, usually a secret.</summary>
    public const string Incomplete = "incomplete";
    /// <summary>It does not exist: the person is not an Admin, who alone creates connections.</summary>
    public const string Missing = "missing";
    /// <summary>A connection of that name exists with another type than the template's.</summary>
    public const string OtherType = "otherType";
}
