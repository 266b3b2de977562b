using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Steps;

/// <summary>A registered step type: its name from <see cref="StepTypeAttribute"/>, its config shape, and how to run it.</summary>
public sealed class StepDescriptor
{
    private readonly Func<object, StepContext, CancellationToken, Task<StepResult>> _run;
    private readonly Func<object, StepContext, CancellationToken, Task<StepResult>>? _resume;
    private readonly IResolvesOwnTemplates? _resolver;

    internal StepDescriptor(
        StepTypeAttribute attribute, Type configType, Func<object, StepContext, CancellationToken, Task<StepResult>> run,
        Func<object, StepContext, CancellationToken, Task<StepResult>>? resume, IResolvesOwnTemplates? resolver)
    {
        _resolver = resolver;
        _resume = resume;
        Name = attribute.Name;
        Label = attribute.Label.Length > 0 ? attribute.Label : attribute.Name;
        Category = attribute.Category;
        Summary = attribute.Summary;
        HasSideEffects = attribute.HasSideEffects;
        DefaultConnectionSetting = attribute.DefaultConnectionSetting;
        PerItemField = attribute.PerItemField;
        DefaultTimeout = attribute.DefaultTimeoutSeconds > 0 ? TimeSpan.FromSeconds(attribute.DefaultTimeoutSeconds)
            : attribute.DefaultTimeoutMinutes > 0 ? TimeSpan.FromMinutes(attribute.DefaultTimeoutMinutes) : null;
        MaxTimeout = attribute.MaxTimeoutSeconds > 0 ? TimeSpan.FromSeconds(attribute.MaxTimeoutSeconds) : null;
        ConfigType = configType;
        _run = run;
        var info = DeskJson.Options.GetTypeInfo(configType);
        ConfigProperties = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        LiteralFields = LiteralTextAttribute.FieldsOf(configType);
    }

    public string Name { get; }
    public string Label { get; }

    /// <summary>The step picker's group (<see cref="StepCategory"/>); empty for a type that names none.</summary>
    public string Category { get; }

    /// <summary>One line on what the step does, for the step picker.</summary>
    public string Summary { get; }
    public bool HasSideEffects { get; }
    public string? DefaultConnectionSetting { get; }

    /// <summary>The attempt timeout of a step of this type that sets none; null for the engine's default.</summary>
    public TimeSpan? DefaultTimeout { get; }

    /// <summary>The longest <c>timeout</c> a step of this type may set; null when only the engine's ceiling applies.</summary>
    public TimeSpan? MaxTimeout { get; }
    public Type ConfigType { get; }

    /// <summary>The config field the step resolves per item (<see cref="StepTypeAttribute.PerItemField"/>); null for most types.</summary>
    public string? PerItemField { get; }

    /// <summary>True for a step that waits for child runs and is looked at again when its run is woken (<see cref="IResumableStep{TConfig}"/>).</summary>
    public bool IsResumable => _resume is not null;

    /// <summary>The config fields taken as written, never as templates (see <see cref="LiteralTextAttribute"/>).</summary>
    public IReadOnlySet<string> LiteralFields { get; }

    /// <summary>The config's JSON properties by camelCase name.</summary>
    public IReadOnlyDictionary<string, JsonPropertyInfo> ConfigProperties { get; }

    /// <summary>The config with its templates resolved against a run's scope; an unknown path throws a <see cref="TemplateException"/>.</summary>
    public JsonObject ResolveConfig(JsonObject config, JsonObject scope) =>
        _resolver?.ResolveConfig(config, scope) ?? new JsonObject(config.Select(p => KeyValuePair.Create(p.Key,
            LiteralFields.Contains(p.Key) || p.Key == PerItemField ? p.Value?.DeepClone() : TemplateResolver.Resolve(p.Value, scope))));

    /// <summary>Reads the resolved config (naming a bad field) and runs the step.</summary>
    public Task<StepResult> ExecuteAsync(JsonObject resolvedConfig, StepContext context, CancellationToken ct) =>
        _run(ReadConfig(resolvedConfig), context, ct);

    /// <summary>Looks again at a waiting resumable step, with the config stored when it started.</summary>
    public Task<StepResult> ResumeAsync(JsonObject storedConfig, StepContext context, CancellationToken ct) =>
        (_resume ?? throw new InvalidOperationException($"Step type '{Name}' does not resume."))(ReadConfig(storedConfig), context, ct);

    /// <summary>Reads a resolved config into its record; the message names the field that is wrong.</summary>
    public object ReadConfig(JsonObject resolvedConfig)
    {
        object? config;
        try
        {
            config = resolvedConfig.Deserialize(ConfigType, DeskJson.Options);
        }
        catch (JsonException e)
        {
            throw new StepConfigException(ConfigErrors.Describe(e, "config"));
        }
        if (config is null)
        {
            throw new StepConfigException([("config", "Must be an object.")]);
        }
        foreach (var property in ConfigProperties.Values.Where(p => p.IsRequired && resolvedConfig[p.Name] is null))
        {
            throw new StepConfigException([($"config.{property.Name}", "Required.")]);
        }
        if (config is IValidatableConfig validatable && validatable.Validate().ToList() is { Count: > 0 } errors)
        {
            throw new StepConfigException(errors.Select(e => ($"config.{e.Field}", e.Message)).ToList());
        }
        return config;
    }
}

/// <summary>A step config that does not read: each problem names its field.</summary>
public sealed class StepConfigException(IReadOnlyList<(string Field, string Message)> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public IReadOnlyList<(string Field, string Message)> Errors { get; } = errors;
}

/// <summary>Every step type the desk knows, built from the <see cref="StepTypeAttribute"/> on each registered step.</summary>
public sealed class StepRegistry
{
    private readonly Dictionary<string, StepDescriptor> _types;

    public StepRegistry(IEnumerable<IStep> steps)
    {
        _types = new(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var descriptor = Describe(step);
            if (!_types.TryAdd(descriptor.Name, descriptor))
            {
                throw new InvalidOperationException($"Two step types are named '{descriptor.Name}'.");
            }
        }
    }

    public IReadOnlyCollection<StepDescriptor> All => _types.Values;

    public StepDescriptor? Find(string name) => _types.GetValueOrDefault(name);

    /// <summary>The step classes of an assembly, for registration.</summary>
    public static IEnumerable<Type> StepTypesIn(Assembly assembly) => assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IStep).IsAssignableFrom(t) && t.GetCustomAttribute<StepTypeAttribute>() is not null);

    /// <summary>The config record a step class takes (the <c>TConfig</c> of its <see cref="IStep{TConfig}"/>).</summary>
    public static Type ConfigTypeOf(Type stepType) => stepType.GetInterfaces()
        .Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStep<>)).GetGenericArguments()[0];

    private static StepDescriptor Describe(IStep step)
    {
        var type = step.GetType();
        var attribute = type.GetCustomAttribute<StepTypeAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} has no [StepType] attribute.");
        var configType = ConfigTypeOf(type);
        var create = typeof(StepRegistry).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(configType)
            .CreateDelegate<Func<IStep, StepTypeAttribute, StepDescriptor>>();
        return create(step, attribute);
    }

    private static StepDescriptor Create<TConfig>(IStep step, StepTypeAttribute attribute) where TConfig : class
    {
        var typed = (IStep<TConfig>)step;
        Func<object, StepContext, CancellationToken, Task<StepResult>>? resume = step is IResumableStep<TConfig> resumable
            ? (config, context, ct) => resumable.ResumeAsync((TConfig)config, context, ct)
            : null;
        return new StepDescriptor(attribute, typeof(TConfig), (config, context, ct) => typed.ExecuteAsync((TConfig)config, context, ct), resume,
            step as IResolvesOwnTemplates);
    }
}
