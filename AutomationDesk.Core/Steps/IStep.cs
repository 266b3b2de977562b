using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>Marks a step type for registration; implement <see cref="IStep{TConfig}"/>.</summary>
#pragma warning disable CA1040 // The marker lets DI hand every step type to the registry.
public interface IStep;
#pragma warning restore CA1040

/// <summary>A step type: runs with its resolved config and returns its output.</summary>
public interface IStep<in TConfig> : IStep where TConfig : class
{
    Task<StepResult> ExecuteAsync(TConfig config, StepContext context, CancellationToken ct);
}

/// <summary>
/// A step that waits for something outside its run (child runs) instead of for a time: it returns
/// <see cref="StepResult.WaitForChildren"/>, the run goes <c>Waiting</c> holding no thread, and each time the run is
/// woken (a child ended, the desk restarted) <see cref="ResumeAsync"/> looks again, with the config as it was stored
/// when the step started. It returns its output when done, waits again, or throws to fail the step.
/// </summary>
public interface IResumableStep<in TConfig> : IStep<TConfig> where TConfig : class
{
    Task<StepResult> ResumeAsync(TConfig config, StepContext context, CancellationToken ct);
}

/// <summary>A config that checks itself after its templates are resolved.</summary>
public interface IValidatableConfig
{
    /// <summary>Problems, each with the config field it names (camelCase).</summary>
    IEnumerable<(string Field, string Message)> Validate();
}

/// <summary>A step type that resolves the templates of its config itself, instead of the engine's plain resolution.</summary>
public interface IResolvesOwnTemplates
{
    JsonObject ResolveConfig(JsonObject config, JsonObject scope);
}
