using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Marks a config property whose text is the value itself, never a template: a code step's JavaScript writes
/// <c>${x}</c> in its own template literals. The engine copies it unresolved, and the save-time checks neither read
/// templates in it nor look for secrets or steps it names.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LiteralTextAttribute : Attribute
{
    // Where only a step type's name is at hand (a stored definition read without the registry), by the step types of
    // this assembly, which are the ones the desk registers.
    private static readonly FrozenDictionary<string, FrozenSet<string>> ByStepType = StepRegistry.StepTypesIn(typeof(LiteralTextAttribute).Assembly)
        .Select(type => (type.GetCustomAttribute<StepTypeAttribute>()!.Name, Fields: FieldsOf(StepRegistry.ConfigTypeOf(type))))
        .Where(entry => entry.Fields.Count > 0)
        .ToFrozenDictionary(entry => entry.Name, entry => entry.Fields, StringComparer.Ordinal);

    /// <summary>The camelCase names of a config type's literal-text properties.</summary>
    public static FrozenSet<string> FieldsOf(Type configType) => DeskJson.Options.GetTypeInfo(configType).Properties
        .Where(p => p.AttributeProvider?.IsDefined(typeof(LiteralTextAttribute), inherit: true) == true)
        .Select(p => p.Name)
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>A step's config without its literal-text fields: the part that may hold templates.</summary>
    public static JsonObject TemplatedPart(string stepType, JsonObject config) =>
        ByStepType.TryGetValue(stepType, out var literal)
            ? new JsonObject(config.Where(p => !literal.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())))
            : config;
}
